/** Little-endian fields into a buffer of known size, DBN's fixed-length strings included. */
export class ByteWriter {
  readonly bytes: Buffer;
  at = 0;
  constructor(size: number) {
    this.bytes = Buffer.alloc(size);
  }
  u8(v: number) {
    this.at = this.bytes.writeUInt8(v, this.at);
  }
  u16(v: number) {
    this.at = this.bytes.writeUInt16LE(v, this.at);
  }
  u32(v: number) {
    this.at = this.bytes.writeUInt32LE(v, this.at);
  }
  u64(v: bigint) {
    this.at = this.bytes.writeBigUInt64LE(v, this.at);
  }
  i64(v: bigint) {
    this.at = this.bytes.writeBigInt64LE(v, this.at);
  }
  cstr(s: string, len: number) {
    if (!/^[\x20-\x7e]*$/.test(s) || s.length >= len)
      throw new Error(`'${s}' does not fit a ${len}-byte DBN string`);
    this.bytes.write(s, this.at, "ascii");
    this.at += len; // the rest stays zero: the terminator and padding
  }
}
