import { onScopeDispose, ref } from 'vue';

/** Whether the page is visible (not a background tab or a minimised window). */
export function useVisibility() {
  const visible = ref(document.visibilityState === 'visible');
  const update = () => (visible.value = document.visibilityState === 'visible');
  document.addEventListener('visibilitychange', update);
  onScopeDispose(() => document.removeEventListener('visibilitychange', update));
  return visible;
}
