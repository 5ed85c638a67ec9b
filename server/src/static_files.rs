//! The site's files (WASM, JS, CSS, images), compressed once at build time.
//!
//! `server precompress` writes `file.br` (brotli 11, the densest) and
//! `file.gz` (gzip 9) beside every compressible file of the built site, as
//! the release build's last step (`scripts/build-release.sh`). The server
//! then sends a client the densest variant it accepts, with no work per
//! request ([`service`]); a file without variants (a debug build) is
//! compressed on the fly by the compression layer, as before.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tower_http::services::ServeDir;

/// What is worth compressing: text and WebAssembly. Images are compressed
/// already.
const COMPRESSIBLE: &[&str] = &["wasm", "js", "mjs", "css", "svg", "html", "json", "txt", "xml"];
/// Smaller files gain nothing a packet would not hold anyway.
const MIN_SIZE: u64 = 512;

/// The site's files, their precompressed variants first.
pub fn service<F>(site_root: &str, fallback: F) -> ServeDir<F> {
    ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(fallback)
}

/// One compressed file: its path and sizes.
#[derive(Debug)]
pub struct Compressed {
    pub path: PathBuf,
    pub size: u64,
    pub brotli: u64,
    pub gzip: u64,
}

/// Writes the variants of every compressible file under `root` whose
/// variants are missing or older than the file; returns what it wrote.
pub fn precompress(root: &Path) -> anyhow::Result<Vec<Compressed>> {
    let mut written = Vec::new();
    for path in files(root)? {
        if wants_variants(&path)? {
            written.push(compress(&path)?);
        }
    }
    written.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(written)
}

/// Removes the variants older than their file (a debug build over a
/// release one; a file without its own is left alone): the server would send them in its place. Returns how
/// many it removed; a read-only site (a container's) is left as it is.
pub fn drop_stale_variants(root: &Path) -> usize {
    let Ok(paths) = files(root) else {
        return 0;
    };
    let modified = |path: &Path| std::fs::metadata(path).and_then(|meta| meta.modified()).ok();
    let mut removed = 0;
    for path in paths {
        let is_variant = matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz"));
        if !is_variant {
            continue;
        }
        let source = path.with_extension("");
        let stale = matches!((modified(&source), modified(&path)), (Some(file), Some(made)) if made < file);
        if stale && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Every file under `root`.
fn files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).with_context(|| format!("cannot read {}", folder.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    Ok(files)
}

fn wants_variants(path: &Path) -> anyhow::Result<bool> {
    let compressible = path
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| COMPRESSIBLE.contains(&extension));
    if !compressible || std::fs::metadata(path)?.len() < MIN_SIZE {
        return Ok(false);
    }
    let modified = std::fs::metadata(path)?.modified()?;
    let stale = |variant: PathBuf| {
        std::fs::metadata(variant)
            .and_then(|meta| meta.modified())
            .map_or(true, |made| made < modified)
    };
    Ok(stale(variant(path, "br")) || stale(variant(path, "gz")))
}

fn variant(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn compress(path: &Path) -> anyhow::Result<Compressed> {
    let content = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut brotli = Vec::with_capacity(content.len() / 3);
    {
        let mut writer = brotli::CompressorWriter::new(&mut brotli, 64 * 1024, 11, 22);
        writer.write_all(&content)?;
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&content)?;
    let gzip = gzip.finish()?;
    write(&variant(path, "br"), &brotli)?;
    write(&variant(path, "gz"), &gzip)?;
    Ok(Compressed {
        path: path.to_path_buf(),
        size: content.len() as u64,
        brotli: brotli.len() as u64,
        gzip: gzip.len() as u64,
    })
}

/// Written beside, then renamed: a server reading the folder never sees
/// half a file.
fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let partial = variant(path, "partial");
    std::fs::write(&partial, bytes).with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressible_files_get_both_variants_once() {
        let root = std::env::temp_dir().join(format!("wm-precompress-{}", std::process::id()));
        let pkg = root.join("pkg");
        assert!(std::fs::create_dir_all(&pkg).is_ok());
        let script = "console.log('WonderMarket');\n".repeat(100);
        assert!(std::fs::write(pkg.join("shop.js"), &script).is_ok());
        assert!(std::fs::write(pkg.join("tiny.css"), "a{}").is_ok());
        assert!(std::fs::write(root.join("photo.jpg"), vec![7u8; 4096]).is_ok());

        let Ok(written) = precompress(&root) else {
            panic!("precompress failed")
        };
        assert_eq!(written.len(), 1, "only the script: {written:?}");
        assert!(written[0].brotli < written[0].size / 10);
        let Ok(brotli) = std::fs::read(pkg.join("shop.js.br")) else {
            panic!("no .br")
        };
        let mut decoded = Vec::new();
        assert!(brotli::BrotliDecompress(&mut &brotli[..], &mut decoded).is_ok());
        assert_eq!(decoded, script.as_bytes());
        let Ok(gzip) = std::fs::read(pkg.join("shop.js.gz")) else {
            panic!("no .gz")
        };
        let mut decoded = Vec::new();
        let read = std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzip[..]), &mut decoded);
        assert!(read.is_ok() && decoded == script.as_bytes());
        assert!(!pkg.join("tiny.css.br").exists() && !root.join("photo.jpg.br").exists());

        let again = precompress(&root).map(|written| written.len()).ok();
        assert_eq!(again, Some(0), "variants already up to date");
        assert_eq!(drop_stale_variants(&root), 0);
        // The file rebuilt after its variants: they go.
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(std::fs::write(pkg.join("shop.js"), "console.log(2)").is_ok());
        assert_eq!(drop_stale_variants(&root), 2);
        assert!(!pkg.join("shop.js.br").exists() && !pkg.join("shop.js.gz").exists());
        let _ = std::fs::remove_dir_all(&root);
    }
}
