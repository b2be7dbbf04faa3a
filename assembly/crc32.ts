// CRC-32 (IEEE 802.3, the zlib/PNG one), bitwise: it runs once per model load, so a 1 KiB table
// is not worth its bytes in the module.

export function crc32(ptr: usize, len: usize): u32 {
  let crc: u32 = 0xffffffff;
  for (let i: usize = 0; i < len; i++) {
    crc ^= <u32>load<u8>(ptr + i);
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & (0 - (crc & 1)));
  }
  return ~crc;
}
