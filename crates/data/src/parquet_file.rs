//! The handle every Parquet read goes through: a [`File`] whose readers refuse to read on
//! once they have reached the end of the file.
//!
//! The parquet crate decodes page headers (Thrift, like the footer) straight from a reader
//! over the file. Skipping a field it does not know, it skips each element of a list of
//! strings by copying that many bytes, and stops a copy quietly at the end of the file: a
//! corrupt page header of a few bytes declaring millions of strings made it read the end of
//! the file millions of times (a 2 KB file kept `rotor data inspect` busy for a minute). No
//! reader rotor hands the parquet crate reads past the end of the file once it has seen it:
//! a second read there is an error, which the crate reports as a corrupt file.
//! [`crate::parquet_footer`] bounds the footer the same way before it is decoded.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use bytes::Bytes;
use parquet::file::reader::{ChunkReader, Length};

/// A Parquet file opened for reading: [`ChunkReader`] like [`File`], with readers that stop at
/// its end ([`EndGuard`]).
#[derive(Debug)]
pub(crate) struct ParquetFile {
    file: File,
}

impl ParquetFile {
    /// Wraps an open file.
    pub(crate) fn new(file: File) -> ParquetFile {
        ParquetFile { file }
    }
}

impl Length for ParquetFile {
    fn len(&self) -> u64 {
        Length::len(&self.file)
    }
}

impl ChunkReader for ParquetFile {
    type T = BufReader<EndGuard>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        // A handle of its own (duplicates share one offset), as the parquet crate's `File` does.
        let mut file = self.file.try_clone()?;
        file.seek(SeekFrom::Start(start))?;
        Ok(BufReader::new(EndGuard::new(file)))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        // A bounded read of an exact length (an error if the file is shorter).
        self.file.get_bytes(start, length)
    }
}

/// A reader over a file that returns the end of the file (`Ok(0)`) once, and an error if it
/// is read there again without a seek in between.
#[derive(Debug)]
pub(crate) struct EndGuard {
    file: File,
    at_end: bool,
}

impl EndGuard {
    fn new(file: File) -> EndGuard {
        EndGuard {
            file,
            at_end: false,
        }
    }
}

impl Read for EndGuard {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        #[cfg(test)]
        tests::READS.with(|r| r.set(r.get() + 1));
        let n = self.file.read(buf)?;
        if n == 0 {
            if self.at_end {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "a page header reads past the end of the file",
                ));
            }
            self.at_end = true;
        }
        Ok(n)
    }
}

impl Seek for EndGuard {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.at_end = false;
        self.file.seek(pos)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::cell::Cell;
    use std::io::Write;

    thread_local! {
        /// Reads of the file made through [`EndGuard`]s on this thread.
        pub(crate) static READS: Cell<u64> = const { Cell::new(0) };
    }

    fn file_of(bytes: &[u8]) -> (tempfile::NamedTempFile, File) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        let file = File::open(f.path()).unwrap();
        (f, file)
    }

    #[test]
    fn the_end_of_the_file_is_returned_once_then_refused() {
        let (_keep, file) = file_of(b"abc");
        let mut r = EndGuard::new(file);
        let mut buf = [0u8; 8];
        assert_eq!(r.read(&mut buf).unwrap(), 3);
        assert_eq!(&buf[..3], b"abc");
        assert_eq!(r.read(&mut buf).unwrap(), 0);
        let e = r.read(&mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert!(e.to_string().contains("past the end of the file"), "{e}");
        // A seek starts over; an empty read is never refused.
        assert_eq!(r.seek(SeekFrom::Start(1)).unwrap(), 1);
        assert_eq!(r.read(&mut [0u8; 0]).unwrap(), 0);
        assert_eq!(r.read(&mut buf).unwrap(), 2);
        assert_eq!(r.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn readers_and_byte_ranges_read_what_the_file_holds() {
        let (_keep, file) = file_of(b"0123456789");
        let pf = ParquetFile::new(file);
        assert_eq!(Length::len(&pf), 10);
        let mut s = String::new();
        pf.get_read(4).unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "456789");
        assert_eq!(&pf.get_bytes(2, 3).unwrap()[..], b"234");
        assert!(pf.get_bytes(8, 5).is_err());
    }

    #[test]
    fn copying_past_the_end_again_and_again_stops_at_the_second_time() {
        // What the parquet crate's skip of a declared list of strings does: one copy per
        // element, each quietly ending at the end of the file.
        let (_keep, file) = file_of(&[7u8; 100]);
        let pf = ParquetFile::new(file);
        let mut r = pf.get_read(90).unwrap();
        let mut copies = 0u64;
        let refused = (0..1_000_000u64).find_map(|_| {
            copies += 1;
            io::copy(&mut (&mut r).take(1 << 40), &mut io::sink()).err()
        });
        assert!(refused.is_some());
        assert_eq!(copies, 2, "refused at the second copy past the end");
    }

    /// Found by fuzzing: a 2 KB file whose page header declares millions of strings in a field
    /// the decoder skips; through a plain `File` loading it took 87,929,982 reads (and
    /// `rotor data inspect` a minute). Counted, not timed: the reads this thread makes.
    #[test]
    fn a_page_header_declaring_millions_of_strings_is_refused_in_a_few_reads() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/slow_pages/465792ab.parquet");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        // The pool's one thread does every read: count there.
        let (result, reads) = pool.install(|| {
            READS.with(|r| r.set(0));
            let result = crate::load::load_bars(&path, &crate::load::LoadOptions::default());
            (result.map(|_| ()), READS.with(Cell::get))
        });
        let e = result.unwrap_err().to_string();
        assert!(
            e.contains("465792ab.parquet") && e.contains("not a readable Parquet file"),
            "{e}"
        );
        assert!(reads < 1_000, "{reads} reads to refuse a 2 KB file");
    }
}
