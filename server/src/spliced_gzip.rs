//! A gzip stream spliced from parts compressed once and holes filled per
//! request, so that a cached page served with a visitor's own header
//! corner and script nonce costs no compression of the whole page.
//!
//! Deflate allows it: each static part is compressed on its own (no
//! reference to earlier bytes) and ends with a sync flush, on a byte
//! boundary, with no final block; a hole's bytes are compressed the same
//! as stored blocks per request; an empty final block closes the stream. The gzip
//! trailer's CRC-32 is combined from the parts' CRCs, so the page is never
//! read whole again.

use std::io;
use std::ops::Range;

use flate2::{Compress, Compression, FlushCompress, Status};

/// The gzip header: deflate, no name, no time, unknown system.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/// An empty final block (fixed Huffman, end of block).
const FINAL_BLOCK: [u8; 2] = [0x03, 0x00];

enum Part {
    Static {
        deflated: Vec<u8>,
        crc: crc32fast::Hasher,
        len: u64,
    },
    Hole,
}

pub struct GzipTemplate {
    parts: Vec<Part>,
    /// The compressed size without the holes, to size the output once.
    deflated_len: usize,
}

impl GzipTemplate {
    /// `page` with the byte ranges `holes` left open (in order, disjoint),
    /// the rest compressed once at level 6.
    pub fn new(page: &[u8], holes: &[Range<usize>]) -> io::Result<Self> {
        let mut parts = Vec::with_capacity(holes.len() * 2 + 1);
        let mut at = 0;
        for hole in holes {
            if hole.start < at || hole.end < hole.start || hole.end > page.len() {
                return Err(io::Error::new(io::ErrorKind::InvalidInput, "holes out of order"));
            }
            parts.push(static_part(&page[at..hole.start])?);
            parts.push(Part::Hole);
            at = hole.end;
        }
        parts.push(static_part(&page[at..])?);
        let deflated_len = parts
            .iter()
            .map(|part| match part {
                Part::Static { deflated, .. } => deflated.len(),
                Part::Hole => 0,
            })
            .sum();
        Ok(Self { parts, deflated_len })
    }

    /// The gzip stream of the page with `fills`, one per hole, in order.
    pub fn fill(&self, fills: &[&[u8]]) -> io::Result<Vec<u8>> {
        let holes = self
            .parts
            .iter()
            .filter(|part| matches!(part, Part::Hole))
            .count();
        if fills.len() != holes {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "one fill per hole"));
        }
        let fill_len: usize = fills.iter().map(|fill| fill.len()).sum();
        let mut out = Vec::with_capacity(HEADER.len() + self.deflated_len + fill_len + 64);
        out.extend_from_slice(&HEADER);
        let mut crc = crc32fast::Hasher::new();
        let mut len: u64 = 0;
        let mut fills = fills.iter();
        for part in &self.parts {
            match part {
                Part::Static {
                    deflated,
                    crc: part_crc,
                    len: part_len,
                } => {
                    out.extend_from_slice(deflated);
                    crc.combine(part_crc);
                    len += part_len;
                }
                Part::Hole => {
                    let fill = fills.next().copied().unwrap_or_default();
                    stored_into(fill, &mut out);
                    let mut fill_crc = crc32fast::Hasher::new();
                    fill_crc.update(fill);
                    crc.combine(&fill_crc);
                    len += fill.len() as u64;
                }
            }
        }
        out.extend_from_slice(&FINAL_BLOCK);
        out.extend_from_slice(&crc.finalize().to_le_bytes());
        // ISIZE: the length modulo 2^32.
        out.extend_from_slice(&((len & 0xffff_ffff) as u32).to_le_bytes());
        Ok(out)
    }
}

fn static_part(bytes: &[u8]) -> io::Result<Part> {
    let mut deflated = Vec::with_capacity(bytes.len() / 3 + 64);
    deflate_into(bytes, Compression::new(6), &mut deflated)?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(bytes);
    Ok(Part::Static {
        deflated,
        crc,
        len: bytes.len() as u64,
    })
}

/// `bytes` as stored (uncompressed) deflate blocks, none final: a hole is
/// a header corner or a nonce, a few hundred bytes, not worth a
/// compressor's state (hundreds of KiB to set up) per request.
fn stored_into(bytes: &[u8], out: &mut Vec<u8>) {
    for block in bytes.chunks(usize::from(u16::MAX)) {
        // On a byte boundary: BFINAL 0, BTYPE 00, then LEN and its complement.
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.push(0);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
}

/// Raw deflate of `bytes` with a fresh compressor, ended by a sync flush:
/// whole blocks, none final, on a byte boundary.
fn deflate_into(bytes: &[u8], level: Compression, out: &mut Vec<u8>) -> io::Result<()> {
    let mut compress = Compress::new(level, false);
    loop {
        let consumed = usize::try_from(compress.total_in()).unwrap_or(usize::MAX);
        let input = bytes.get(consumed..).unwrap_or_default();
        out.reserve(input.len() / 2 + 64);
        let before = compress.total_out();
        let status = compress
            .compress_vec(input, out, FlushCompress::Sync)
            .map_err(io::Error::other)?;
        let done = compress.total_in() as usize == bytes.len();
        // Done once all is in and the flush left spare room (it wrote all).
        if done && out.len() < out.capacity() {
            return Ok(());
        }
        if status == Status::BufError && compress.total_out() == before {
            return Err(io::Error::other("deflate made no progress"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut decoder = flate2::read::GzDecoder::new(bytes);
        let mut page = Vec::new();
        decoder
            .read_to_end(&mut page)
            .expect("a valid gzip stream, CRC and size checked");
        page
    }

    #[test]
    fn the_spliced_stream_is_the_page_with_its_holes_filled() {
        let page = "<html><head><script nonce=\"OLD\"></script></head><body><div>Log in</div>".to_owned()
            + &"<p>a product, a price, a picture</p>".repeat(2000)
            + "<script nonce=\"OLD\"></script></body></html>";
        let holes: Vec<Range<usize>> = {
            let mut holes: Vec<Range<usize>> = page.match_indices("OLD").map(|(i, _)| i..i + 3).collect();
            let corner = page.find("Log in").expect("corner");
            holes.insert(1, corner..corner + 6);
            holes
        };
        let template = GzipTemplate::new(page.as_bytes(), &holes).expect("template");
        let spliced = template
            .fill(&[b"NEW1", "Bonjour, Zoé".as_bytes(), b"NEW1"])
            .expect("fill");
        let expected = page.replace("OLD", "NEW1").replace("Log in", "Bonjour, Zoé");
        assert_eq!(String::from_utf8(gunzip(&spliced)).expect("utf-8"), expected);
        assert!(
            spliced.len() < page.len() / 10,
            "still compressed: {}",
            spliced.len()
        );
    }

    #[test]
    fn a_fill_longer_than_a_stored_block_is_split() {
        let long = vec![b'x'; 70_000];
        let hole = 1..1;
        let template = GzipTemplate::new(b"[]", std::slice::from_ref(&hole)).expect("template");
        let mut expected = b"[".to_vec();
        expected.extend_from_slice(&long);
        expected.push(b']');
        assert_eq!(gunzip(&template.fill(&[&long]).expect("fill")), expected);
    }

    #[test]
    fn empty_parts_and_empty_fills_still_make_a_valid_stream() {
        let template = GzipTemplate::new(b"abc", &[0..0, 3..3]).expect("template");
        assert_eq!(gunzip(&template.fill(&[b"", b"!"]).expect("fill")), b"abc!");
        assert!(template.fill(&[b"one"]).is_err(), "one fill per hole");
        assert!(
            GzipTemplate::new(b"abc", &[2..3, 0..1]).is_err(),
            "holes in order"
        );
    }

    #[test]
    fn a_large_incompressible_page_is_whole() {
        // Bytes that do not compress: the flush must still write them all.
        let mut state = 0x2545_f491_u32;
        let page: Vec<u8> = (0..300_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state & 0xff) as u8
            })
            .collect();
        let hole = 1000..1010;
        let template = GzipTemplate::new(&page, std::slice::from_ref(&hole)).expect("template");
        let mut expected = page.clone();
        expected.splice(1000..1010, *b"HOLE");
        assert_eq!(gunzip(&template.fill(&[b"HOLE"]).expect("fill")), expected);
    }
}
