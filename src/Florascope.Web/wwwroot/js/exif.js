// An ES module. Reads the capture time and GPS position from a JPEG's EXIF before the photo is downscaled
// (a canvas drops EXIF). Returns { taken: Date|null, offset: number|null, lat: number|null, lon: number|null };
// offset is the camera's UTC offset in minutes (OffsetTimeOriginal, "+02:00"), null when the photo has none.
export async function readExif(file) {
  const none = { taken: null, offset: null, lat: null, lon: null };
  try {
    const view = new DataView(await file.slice(0, 256 * 1024).arrayBuffer());
    if (view.getUint16(0) !== 0xFFD8) return none;
    let p = 2;
    while (p + 4 < view.byteLength) {
      const marker = view.getUint16(p), size = view.getUint16(p + 2);
      if (marker === 0xFFE1 && view.getUint32(p + 4) === 0x45786966) return parseTiff(view, p + 10);
      if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) break;
      p += 2 + size;
    }
  } catch { /* not readable: no metadata */ }
  return none;

  function parseTiff(v, t) {
    const le = v.getUint16(t) === 0x4949;
    const u16 = o => v.getUint16(t + o, le), u32 = o => v.getUint32(t + o, le);
    const entries = ifd => { const n = u16(ifd), out = {}; for (let i = 0; i < n; i++) { const e = ifd + 2 + i * 12; out[u16(e)] = e; } return out; };
    const ascii = e => { const n = u32(e + 4), o = n > 4 ? u32(e + 8) : e + 8; let s = ''; for (let i = 0; i < n - 1; i++) s += String.fromCharCode(v.getUint8(t + o + i)); return s; };
    const rationals = e => { const o = u32(e + 8), r = []; for (let i = 0; i < u32(e + 4); i++) r.push(u32(o + i * 8) / u32(o + i * 8 + 4)); return r; };
    const ifd0 = entries(u32(4));
    let taken = null, offset = null, lat = null, lon = null;
    if (ifd0[0x8769]) {
      const exif = entries(u32(ifd0[0x8769] + 8));
      const text = exif[0x9003] ? ascii(exif[0x9003]) : null;
      const m = text && /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(text);
      // EXIF times are local to the camera: read as local time of this device.
      if (m) taken = new Date(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
      const z = exif[0x9011] ? /^([+-])(\d{2}):(\d{2})$/.exec(ascii(exif[0x9011])) : null;
      if (z && taken) { const minutes = (z[1] === '-' ? -1 : 1) * (+z[2] * 60 + +z[3]); if (Math.abs(minutes) <= 840) offset = minutes; }
    }
    if (ifd0[0x8825]) {
      const gps = entries(u32(ifd0[0x8825] + 8));
      const deg = (tag, refTag, neg) => {
        if (!gps[tag] || !gps[refTag]) return null;
        const [d, m, s] = rationals(gps[tag]);
        const value = d + m / 60 + s / 3600;
        return ascii(gps[refTag]) === neg ? -value : value;
      };
      lat = deg(2, 1, 'S');
      lon = deg(4, 3, 'W');
      if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) { lat = null; lon = null; }
    }
    return { taken, offset, lat, lon };
  }
}
