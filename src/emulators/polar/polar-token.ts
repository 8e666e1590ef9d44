import { ALPHANUMERIC, type SeededRandom } from "../shared/seeded-random.js";

/** CRC-32 (IEEE), used for the checksum suffix of Polar-style tokens. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** `<prefix><37 alphanumerics><6-char base62 CRC32>`, the token format Polar uses since 2026-06-29. */
export function polarToken(random: SeededRandom, prefix: string): string {
  const body = random.alphanumeric(37);
  let checksum = crc32(body);
  let suffix = "";
  for (let index = 0; index < 6; index += 1) {
    suffix = ALPHANUMERIC[checksum % 62] + suffix;
    checksum = Math.floor(checksum / 62);
  }
  return `${prefix}${body}${suffix}`;
}
