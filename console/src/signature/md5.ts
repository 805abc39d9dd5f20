import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** MD5 of the UTF-8 bytes, uppercase hex: the `sign` of a string to sign (DESIGN §3.2 step 4). */
export function md5Upper(text: string): string {
  return bytesToHex(md5(utf8ToBytes(text))).toUpperCase();
}
