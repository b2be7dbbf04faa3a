// CRC-32 (IEEE 802.3, the zlib/PNG one), bitwise: it runs once per model load, so a 1 KiB table
// is not worth its bytes in the module.

/** Continue a CRC-32 over len bytes; start with 0xffffffff and finish with ~. */
export function crc32Update(crc: u32, ptr: usize, len: usize): u32 {
  for (let i: usize = 0; i < len; i++) {
    crc ^= <u32>load<u8>(ptr + i);
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & (0 - (crc & 1)));
  }
  return crc;
}

/** The model file's checksum: CRC-32 of every byte but the checksum field itself ([16, 20)). */
export function modelChecksum(image: usize, fileBytes: usize): u32 {
  return ~crc32Update(crc32Update(0xffffffff, image, 16), image + 20, fileBytes - 20);
}
