import { ref } from 'vue';
import { errorText } from '../api/client';

/**
 * A form's submission: `busy` while its action runs (its buttons disable on it) and `error`, the
 * text the form shows. A check before the round trip sets `error` itself and does not submit.
 * `describe` words a failure; the server's own message by default.
 */
export function useSubmission(describe: (failure: unknown) => string = errorText) {
  const busy = ref(false);
  const error = ref('');
  async function submit(action: () => Promise<void>): Promise<void> {
    busy.value = true;
    error.value = '';
    try {
      await action();
    } catch (failure) {
      error.value = describe(failure);
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, submit };
}
