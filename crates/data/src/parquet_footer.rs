//! The footer guard: a bounded walk over a Parquet file's footer (the Thrift compact encoded
//! `FileMetaData`) before the parquet crate decodes it, so that refusing a corrupt file costs
//! work linear in its footer.
//!
//! The parquet crate's decoder skips a field it does not decode by its wire type, and skips the
//! elements of a list (set, map) of booleans without reading a byte per element: a footer of a
//! few bytes that declares a list of 2^31 booleans in an unknown field kept it busy for half a
//! second (and footers with many such lists for minutes). The decoder trusts a field's id over
//! its wire type, so a walk that only followed the wire types could part ways with it; this
//! walk follows the footer as the decoder does, the fields it decodes by the types it expects
//! and the others by their wire types, and refuses:
//! - a decoded field whose wire type the decoder would read as another type;
//! - a list, set, map or string that declares more elements (bytes) than are left: every
//!   element of a valid encoding takes at least one byte;
//! - a non-empty skipped container of booleans (the decoder would read each as zero bytes);
//! - nesting deeper than [`MAX_DEPTH`];
//! - a schema whose groups nest deeper than [`MAX_SCHEMA_DEPTH`] (the decoder builds the schema
//!   tree recursively: a 70 KB footer of 10,000 nested groups overflowed the stack).
//!
//! Every step of the walk then consumes at least one byte, and so does every step of the
//! decoder that follows it: both are linear in the footer. What the walk does not model (a
//! missing required field, a bad enum value...) it leaves to the decoder, which refuses such
//! footers quickly.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::error::DataError;

/// Deeper nesting is refused (the decoder's own limit on skipped values is 64 levels; the
/// structures it decodes are at most 8 deep).
pub(crate) const MAX_DEPTH: usize = 80;

/// Deeper schemas (groups inside groups) are refused: a table of bars is flat, and the
/// decoder's recursion must stay far from the stack's end on any thread.
pub(crate) const MAX_SCHEMA_DEPTH: usize = 64;

/// Why a footer was refused (the reason part of the error line).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refusal(pub String);

/// Checks the footer of the Parquet file `file` (at `path`, for the message) before the parquet
/// crate decodes it. A file too short for a footer, without the `PAR1` magic or whose footer
/// length exceeds the file is left to the decoder, which refuses it without decoding anything.
pub(crate) fn check(path: &Path, file: &File) -> Result<(), DataError> {
    let io = |e| DataError::io(path, e);
    let len = file.metadata().map_err(io)?.len();
    if len < 12 {
        return Ok(());
    }
    let mut reader = file;
    let mut tail = [0u8; 8];
    reader.seek(SeekFrom::Start(len - 8)).map_err(io)?;
    reader.read_exact(&mut tail).map_err(io)?;
    let [a, b, c, d, magic @ ..] = tail;
    let meta_len = u64::from(u32::from_le_bytes([a, b, c, d]));
    if &magic != b"PAR1" || meta_len > len - 8 {
        return Ok(());
    }
    let mut footer = Vec::new();
    reader
        .seek(SeekFrom::Start(len - 8 - meta_len))
        .map_err(io)?;
    reader.take(meta_len).read_to_end(&mut footer).map_err(io)?;
    walk(&footer)
        .map(|_| ())
        .map_err(|Refusal(reason)| DataError::Corrupt {
            path: path.to_path_buf(),
            format: "Parquet",
            reason: format!("corrupt Parquet footer: {reason}"),
        })
}

/// Walks a footer (the bytes before its length and magic); the number of steps taken (fields
/// and elements visited, never more than the footer's bytes) or why it is refused.
pub(crate) fn walk(footer: &[u8]) -> Result<usize, Refusal> {
    let mut w = Walk {
        buf: footer,
        pos: 0,
        steps: 0,
        children: Vec::new(),
    };
    w.fields(FILE_META_DATA, 0)?;
    Ok(w.steps)
}

/// How many bytes a value takes, as far as the decoder is concerned: the wire types that it
/// reads the same way share a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Its value is in the field header (a struct field) or a byte (a list element).
    Bool,
    Byte,
    /// i16, i32, i64 and enums: a varint.
    Varint,
    Double,
    Binary,
    /// A list or a set.
    List,
    Map,
    Struct,
    Uuid,
}

impl Class {
    /// The class of a field's wire type or a container's element type (a nibble).
    fn of(nibble: u8) -> Result<Class, Refusal> {
        Ok(match nibble {
            1 | 2 => Class::Bool,
            3 => Class::Byte,
            4..=6 => Class::Varint,
            7 => Class::Double,
            8 => Class::Binary,
            9 | 10 => Class::List,
            11 => Class::Map,
            12 => Class::Struct,
            13 => Class::Uuid,
            _ => return Err(Refusal(format!("invalid Thrift type {nibble}"))),
        })
    }
}

/// A type the decoder decodes (rather than skips).
#[derive(Clone, Copy)]
enum Ty {
    Bool,
    Byte,
    Varint,
    Double,
    Binary,
    List(&'static Ty),
    Struct(&'static [(i16, Ty)]),
    /// FileMetaData's schema: a list of SchemaElement whose nesting is checked.
    Schema,
    /// A SchemaElement's `num_children` (a varint), recorded for the nesting check.
    NumChildren,
}

impl Ty {
    fn class(self) -> Class {
        match self {
            Ty::Bool => Class::Bool,
            Ty::Byte => Class::Byte,
            Ty::Varint | Ty::NumChildren => Class::Varint,
            Ty::Double => Class::Double,
            Ty::Binary => Class::Binary,
            Ty::List(_) | Ty::Schema => Class::List,
            Ty::Struct(_) => Class::Struct,
        }
    }
}

// The structures of parquet.thrift as the parquet crate decodes them: the fields it skips
// (ColumnMetaData's path_in_schema and key_value_metadata, RowGroup's total_compressed_size)
// are absent, so they are walked as it walks them, by wire type. The encryption fields are
// listed although this build skips them: walked either way, their bytes are the same.
const EMPTY: &[(i16, Ty)] = &[];
const TIME_UNIT: &[(i16, Ty)] = &[
    (1, Ty::Struct(EMPTY)),
    (2, Ty::Struct(EMPTY)),
    (3, Ty::Struct(EMPTY)),
];
const LOGICAL_TYPE: &[(i16, Ty)] = &[
    (1, Ty::Struct(EMPTY)),
    (2, Ty::Struct(EMPTY)),
    (3, Ty::Struct(EMPTY)),
    (4, Ty::Struct(EMPTY)),
    (5, Ty::Struct(&[(1, Ty::Varint), (2, Ty::Varint)])),
    (6, Ty::Struct(EMPTY)),
    (7, Ty::Struct(&[(1, Ty::Bool), (2, Ty::Struct(TIME_UNIT))])),
    (8, Ty::Struct(&[(1, Ty::Bool), (2, Ty::Struct(TIME_UNIT))])),
    (10, Ty::Struct(&[(1, Ty::Byte), (2, Ty::Bool)])),
    (11, Ty::Struct(EMPTY)),
    (12, Ty::Struct(EMPTY)),
    (13, Ty::Struct(EMPTY)),
    (14, Ty::Struct(EMPTY)),
    (15, Ty::Struct(EMPTY)),
    (16, Ty::Struct(&[(1, Ty::Byte)])),
    (17, Ty::Struct(&[(1, Ty::Binary)])),
    (18, Ty::Struct(&[(1, Ty::Binary), (2, Ty::Varint)])),
    (19, Ty::Struct(EMPTY)),
];
const SCHEMA_ELEMENT: &[(i16, Ty)] = &[
    (1, Ty::Varint),
    (2, Ty::Varint),
    (3, Ty::Varint),
    (4, Ty::Binary),
    (5, Ty::NumChildren),
    (6, Ty::Varint),
    (7, Ty::Varint),
    (8, Ty::Varint),
    (9, Ty::Varint),
    (10, Ty::Struct(LOGICAL_TYPE)),
];
const STATISTICS: &[(i16, Ty)] = &[
    (1, Ty::Binary),
    (2, Ty::Binary),
    (3, Ty::Varint),
    (4, Ty::Varint),
    (5, Ty::Binary),
    (6, Ty::Binary),
    (7, Ty::Bool),
    (8, Ty::Bool),
    (9, Ty::Varint),
];
const BOUNDING_BOX: &[(i16, Ty)] = &[
    (1, Ty::Double),
    (2, Ty::Double),
    (3, Ty::Double),
    (4, Ty::Double),
    (5, Ty::Double),
    (6, Ty::Double),
    (7, Ty::Double),
    (8, Ty::Double),
];
const COLUMN_META_DATA: &[(i16, Ty)] = &[
    (1, Ty::Varint),
    (2, Ty::List(&Ty::Varint)),
    (4, Ty::Varint),
    (5, Ty::Varint),
    (6, Ty::Varint),
    (7, Ty::Varint),
    (9, Ty::Varint),
    (10, Ty::Varint),
    (11, Ty::Varint),
    (12, Ty::Struct(STATISTICS)),
    (
        13,
        Ty::List(&Ty::Struct(&[
            (1, Ty::Varint),
            (2, Ty::Varint),
            (3, Ty::Varint),
        ])),
    ),
    (14, Ty::Varint),
    (15, Ty::Varint),
    (
        16,
        Ty::Struct(&[
            (1, Ty::Varint),
            (2, Ty::List(&Ty::Varint)),
            (3, Ty::List(&Ty::Varint)),
        ]),
    ),
    (
        17,
        Ty::Struct(&[(1, Ty::Struct(BOUNDING_BOX)), (2, Ty::List(&Ty::Varint))]),
    ),
];
const AES_GCM: &[(i16, Ty)] = &[(1, Ty::Binary), (2, Ty::Binary), (3, Ty::Bool)];
const COLUMN_CHUNK: &[(i16, Ty)] = &[
    (1, Ty::Binary),
    (2, Ty::Varint),
    (3, Ty::Struct(COLUMN_META_DATA)),
    (4, Ty::Varint),
    (5, Ty::Varint),
    (6, Ty::Varint),
    (7, Ty::Varint),
    (
        8,
        Ty::Struct(&[
            (1, Ty::Struct(EMPTY)),
            (
                2,
                Ty::Struct(&[(1, Ty::List(&Ty::Binary)), (2, Ty::Binary)]),
            ),
        ]),
    ),
    (9, Ty::Binary),
];
const ROW_GROUP: &[(i16, Ty)] = &[
    (1, Ty::List(&Ty::Struct(COLUMN_CHUNK))),
    (2, Ty::Varint),
    (3, Ty::Varint),
    (
        4,
        Ty::List(&Ty::Struct(&[
            (1, Ty::Varint),
            (2, Ty::Bool),
            (3, Ty::Bool),
        ])),
    ),
    (5, Ty::Varint),
    (7, Ty::Varint),
];
const FILE_META_DATA: &[(i16, Ty)] = &[
    (1, Ty::Varint),
    (2, Ty::Schema),
    (3, Ty::Varint),
    (4, Ty::List(&Ty::Struct(ROW_GROUP))),
    (
        5,
        Ty::List(&Ty::Struct(&[(1, Ty::Binary), (2, Ty::Binary)])),
    ),
    (6, Ty::Binary),
    (
        7,
        Ty::List(&Ty::Struct(&[
            (1, Ty::Struct(EMPTY)),
            (2, Ty::Struct(EMPTY)),
            (3, Ty::Struct(EMPTY)),
        ])),
    ),
    (
        8,
        Ty::Struct(&[(1, Ty::Struct(AES_GCM)), (2, Ty::Struct(AES_GCM))]),
    ),
    (9, Ty::Binary),
];

/// A walk's position in the footer.
struct Walk<'a> {
    buf: &'a [u8],
    pos: usize,
    steps: usize,
    /// The `num_children` of each schema element so far (0 when absent).
    children: Vec<i32>,
}

impl Walk<'_> {
    fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn refuse<T>(&self, what: &str) -> Result<T, Refusal> {
        Err(Refusal(format!(
            "{what} at byte {} of {}",
            self.pos,
            self.buf.len()
        )))
    }

    fn byte(&mut self) -> Result<u8, Refusal> {
        match self.buf.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => self.refuse("it ends inside a value"),
        }
    }

    fn bytes(&mut self, n: usize) -> Result<(), Refusal> {
        if n > self.left() {
            return self.refuse(&format!("a value of {n} bytes overruns it"));
        }
        self.pos += n;
        Ok(())
    }

    /// An unsigned varint, decoded as the parquet crate decodes it (bits past 64 wrap).
    fn varint(&mut self) -> Result<u64, Refusal> {
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f).wrapping_shl(shift);
            if b & 0x80 == 0 {
                return Ok(value);
            }
            shift = shift.wrapping_add(7);
        }
    }

    /// A container's declared size, refused past i32 (as the decoder does) or past the bytes
    /// left; `list` is the element class of a list (None: a map), for the refusal.
    fn count(&mut self, raw: u64, list: Option<Class>) -> Result<usize, Refusal> {
        match usize::try_from(raw) {
            Ok(n) if i32::try_from(raw).is_ok() && n <= self.left() => Ok(n),
            _ => {
                let what = match list {
                    Some(class) => format!("a list of {class:?}"),
                    None => "a map".to_string(),
                };
                let left = self.left();
                self.refuse(&format!("{what} declares {raw} elements in {left} bytes"))
            }
        }
    }

    /// A list or set header: its element class (None for the empty list some writers mark
    /// with a zero byte) and its size.
    fn list_header(&mut self) -> Result<(Option<Class>, usize), Refusal> {
        let b = self.byte()?;
        if b == 0 {
            return Ok((None, 0));
        }
        let class = Class::of(b & 0x0f)?;
        let raw = match b >> 4 {
            15 => self.varint()?,
            n => u64::from(n),
        };
        let n = self.count(raw, Some(class))?;
        Ok((Some(class), n))
    }

    /// The fields of a struct the decoder decodes as `known` (until its stop byte).
    fn fields(&mut self, known: &[(i16, Ty)], depth: usize) -> Result<(), Refusal> {
        if depth > MAX_DEPTH {
            return self.refuse(&format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        let mut last = 0i16;
        loop {
            let b = self.byte()?;
            if b & 0x0f == 0 {
                return Ok(());
            }
            self.steps += 1;
            let class = Class::of(b & 0x0f)?;
            let id = match b >> 4 {
                0 => self.varint().map(zigzag)? as i16,
                delta => match last.checked_add(i16::from(delta)) {
                    Some(id) => id,
                    None => return self.refuse("a field id overflows"),
                },
            };
            match lookup(known, id) {
                Some(&(_, ty)) if ty.class() == class => self.value(ty, depth)?,
                Some(&(_, ty)) => {
                    return self.refuse(&format!(
                        "field {id} is a {class:?} where a {:?} is expected",
                        ty.class()
                    ))
                }
                None => self.skip(class, depth + 1)?,
            }
            last = id;
        }
    }

    /// A value the decoder decodes as `ty` (a struct field's bool is in its header).
    fn value(&mut self, ty: Ty, depth: usize) -> Result<(), Refusal> {
        match ty {
            Ty::List(element) => {
                let (class, n) = self.list_header()?;
                if n > 0 && class != Some(element.class()) {
                    return self.refuse(&format!(
                        "a list of {class:?} where {:?} elements are expected",
                        element.class()
                    ));
                }
                for _ in 0..n {
                    self.steps += 1;
                    self.value(*element, depth + 1)?;
                }
                Ok(())
            }
            Ty::Struct(known) => self.fields(known, depth + 1),
            Ty::Schema => self.schema(depth),
            Ty::NumChildren => {
                let n = zigzag(self.varint()?) as i32;
                if let Some(last) = self.children.last_mut() {
                    *last = n;
                }
                Ok(())
            }
            Ty::Bool => Ok(()),
            other => self.skip(other.class(), depth),
        }
    }

    /// FileMetaData's schema (as a list of SchemaElement), refused when its groups nest deeper
    /// than [`MAX_SCHEMA_DEPTH`]: elements come depth first, a group followed by its
    /// `num_children` children.
    fn schema(&mut self, depth: usize) -> Result<(), Refusal> {
        self.children.clear();
        let (class, n) = self.list_header()?;
        if n > 0 && class != Some(Class::Struct) {
            return self.refuse(&format!(
                "a list of {class:?} where Struct elements are expected"
            ));
        }
        for _ in 0..n {
            self.steps += 1;
            self.children.push(0);
            self.fields(SCHEMA_ELEMENT, depth + 1)?;
        }
        // Children still expected by each open group, innermost last.
        let mut open: Vec<i32> = Vec::new();
        for &c in &self.children {
            if c > 0 {
                open.push(c);
                if open.len() > MAX_SCHEMA_DEPTH {
                    return self.refuse(&format!(
                        "a schema nested deeper than {MAX_SCHEMA_DEPTH} levels"
                    ));
                }
                continue;
            }
            // A leaf completes a child of its group, which may complete its own parent's.
            while let Some(top) = open.last_mut() {
                *top -= 1;
                if *top > 0 {
                    break;
                }
                open.pop();
            }
        }
        Ok(())
    }

    /// A value the decoder skips, as it skips it.
    fn skip(&mut self, class: Class, depth: usize) -> Result<(), Refusal> {
        match class {
            Class::Bool => Ok(()),
            Class::Byte => self.bytes(1),
            Class::Varint => self.varint().map(|_| ()),
            Class::Double => self.bytes(8),
            Class::Uuid => self.bytes(16),
            Class::Binary => {
                let n = self.varint()?;
                self.bytes(usize::try_from(n).unwrap_or(usize::MAX))
            }
            Class::Struct => self.fields(EMPTY, depth),
            Class::List => {
                let (element, n) = self.list_header()?;
                self.skip_elements(&[element.unwrap_or(Class::Byte)], n, depth)
            }
            Class::Map => {
                let raw = self.varint()?;
                let n = self.count(raw, None)?;
                if n == 0 {
                    return Ok(());
                }
                let kv = self.byte()?;
                let pair = [Class::of(kv >> 4)?, Class::of(kv & 0x0f)?];
                self.skip_elements(&pair, n, depth)
            }
        }
    }

    /// `n` skipped elements of a container (of `classes` each: one for a list, two for a map).
    fn skip_elements(&mut self, classes: &[Class], n: usize, depth: usize) -> Result<(), Refusal> {
        if depth > MAX_DEPTH {
            return self.refuse(&format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        if n > 0 && classes.contains(&Class::Bool) {
            return self.refuse(&format!(
                "a skipped container of {n} booleans (read as zero bytes each)"
            ));
        }
        for _ in 0..n {
            self.steps += 1;
            for &c in classes {
                self.skip(c, depth + 1)?;
            }
        }
        Ok(())
    }
}

/// The entry of field `id` in `known` (the tables are sorted by id, most without gaps).
fn lookup(known: &[(i16, Ty)], id: i16) -> Option<&(i16, Ty)> {
    let direct = usize::try_from(id).ok()?.checked_sub(1)?;
    match known.get(direct) {
        Some(entry) if entry.0 == id => Some(entry),
        _ => known.iter().find(|(k, _)| *k == id),
    }
}

fn zigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The footer of a Parquet file (the bytes before its length and magic).
    fn footer_of(bytes: &[u8]) -> &[u8] {
        let n = bytes.len();
        let len = u32::from_le_bytes([bytes[n - 8], bytes[n - 7], bytes[n - 6], bytes[n - 5]]);
        &bytes[n - 8 - len as usize..n - 8]
    }

    fn refusal(footer: &[u8]) -> String {
        match walk(footer) {
            Err(Refusal(r)) => r,
            Ok(steps) => panic!("accepted in {steps} steps"),
        }
    }

    /// Field 20 (unknown to the decoder) of FileMetaData, of wire type `nibble`, then `body`.
    fn unknown_field(nibble: u8, body: &[u8]) -> Vec<u8> {
        let mut f = vec![nibble, 40]; // delta 0, then the id 20 zigzag encoded
        f.extend_from_slice(body);
        f.push(0);
        f
    }

    /// The files fuzzing found (tests/fixtures/slow_footer): the decoder spent 0.5 s (release)
    /// on each skipping a list of 2^31 booleans; the walk refuses them in fewer steps than they
    /// have bytes, and `open_meta` returns that refusal, so the decoder never sees them.
    #[test]
    fn the_fuzzed_footers_are_refused_before_the_decoder_sees_them() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/slow_footer");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let reason = refusal(footer_of(&bytes));
            assert!(
                reason.contains("a list of Bool declares"),
                "{}: {reason}",
                path.display()
            );
            let err = crate::parquet_open::open_meta(&path)
                .err()
                .unwrap()
                .to_string();
            assert!(
                err.contains("not a readable Parquet file: corrupt Parquet footer: "),
                "{err}"
            );
            assert!(err.contains(&*path.to_string_lossy()), "{err}");
            seen += 1;
        }
        assert_eq!(seen, 5);
    }

    #[test]
    fn a_skipped_list_of_booleans_is_refused_whatever_its_size() {
        // 2^31 - 1 booleans in 5 bytes: the decoder would loop 2^31 times.
        let huge = unknown_field(9, &[0xF2, 0xFF, 0xFF, 0xFF, 0xFF, 0x07]);
        assert_eq!(
            refusal(&huge),
            "a list of Bool declares 2147483647 elements in 1 bytes at byte 8 of 9"
        );
        // Three booleans fit the bytes left, but the decoder would read them as zero bytes.
        let small = unknown_field(9, &[0x31, 1, 1, 1]);
        assert_eq!(
            refusal(&small),
            "a skipped container of 3 booleans (read as zero bytes each) at byte 3 of 7"
        );
        // A map of booleans to booleans, and a set.
        assert!(refusal(&unknown_field(11, &[3, 0x11, 1, 1, 1, 1, 1, 1])).contains("booleans"));
        assert!(refusal(&unknown_field(10, &[0x21, 1, 1])).contains("booleans"));
        // Empty ones are fine.
        assert_eq!(walk(&unknown_field(9, &[0x01])), Ok(1));
        assert_eq!(walk(&unknown_field(11, &[0])), Ok(1));
    }

    #[test]
    fn sizes_beyond_the_bytes_left_are_refused() {
        let list = unknown_field(9, &[0xF5, 0xE8, 0x07, 1, 2, 3]); // 1000 i32s in 4 bytes
        assert_eq!(
            refusal(&list),
            "a list of Varint declares 1000 elements in 4 bytes at byte 5 of 9"
        );
        let string = unknown_field(8, &[0x64, b'a']); // 100 bytes declared, 2 left
        assert!(refusal(&string).contains("a value of 100 bytes overruns it"));
        let map = unknown_field(11, &[0xE8, 0x07, 0x55, 1]);
        assert!(refusal(&map).contains("a map declares 1000 elements"));
    }

    /// The decoder reads a field it knows by the type it expects, whatever the wire says: a
    /// mismatch would make it read the footer differently from the walk.
    #[test]
    fn a_known_field_of_another_wire_type_is_refused() {
        // FileMetaData's version (an i32) sent as a list.
        let footer = [0x19, 0x15, 0, 0, 0];
        assert_eq!(
            refusal(&footer),
            "field 1 is a List where a Varint is expected at byte 1 of 5"
        );
        // Its schema (a list of structs) sent as a list of i32.
        let footer = [0x15, 0x02, 0x19, 0x15, 0x02, 0];
        assert!(refusal(&footer).contains("a list of Some(Varint) where Struct elements"));
    }

    #[test]
    fn nesting_is_bounded() {
        // Unknown struct fields inside each other, deeper than the limit.
        let mut footer = vec![0x0C, 40];
        footer.extend(std::iter::repeat_n(0x1C, MAX_DEPTH + 5));
        footer.extend(std::iter::repeat_n(0, MAX_DEPTH + 7));
        assert!(refusal(&footer).contains("nesting deeper than 80 levels"));
        // Nested lists of lists too.
        let mut footer = vec![0x09, 40];
        footer.extend(std::iter::repeat_n(0x19, MAX_DEPTH + 5));
        assert!(refusal(&footer).contains("nesting deeper than 80 levels"));
    }

    /// A footer whose schema is `depth` groups inside each other around one INT64 leaf.
    fn nested_schema(depth: usize) -> Vec<u8> {
        let mut f = vec![0x15, 2, 0x19, 0xFC]; // version 1; schema: a list of structs...
        let mut n = depth + 1; // ... of this many elements (a varint)
        while n >= 0x80 {
            f.push((n & 0x7f) as u8 | 0x80);
            n >>= 7;
        }
        f.push(n as u8);
        for _ in 0..depth {
            f.extend_from_slice(&[0x48, 1, b'a', 0x15, 2, 0]); // name "a", num_children 1
        }
        f.extend_from_slice(&[0x15, 4, 0x38, 1, b'b', 0]); // type INT64, name "b"
        f.extend_from_slice(&[0x16, 0, 0x19, 0x0C, 0]); // num_rows 0, no row groups
        f
    }

    /// The decoder builds the schema tree recursively: 10,000 nested groups (a 60 KB footer)
    /// overflowed the stack and aborted the process.
    #[test]
    fn schemas_nested_too_deep_are_refused() {
        assert_eq!(walk(&nested_schema(MAX_SCHEMA_DEPTH)).map(|_| ()), Ok(()));
        let deep = refusal(&nested_schema(MAX_SCHEMA_DEPTH + 1));
        assert!(
            deep.contains("a schema nested deeper than 64 levels"),
            "{deep}"
        );
        assert!(refusal(&nested_schema(10_000)).contains("nested deeper than 64"));
        // Siblings do not add up: 200 leaves under one group are one level.
        let mut wide = vec![
            0x15, 2, 0x19, 0xFC, 201, 1, 0x48, 1, b'r', 0x15, 0x90, 0x03, 0,
        ];
        for _ in 0..200 {
            wide.extend_from_slice(&[0x15, 4, 0x38, 1, b'b', 0]);
        }
        wide.extend_from_slice(&[0x16, 0, 0x19, 0x0C, 0]);
        assert!(walk(&wide).is_ok());
    }

    /// Footers as writers make them pass, in fewer steps than they have bytes: rotor's own
    /// writer (statistics, dictionaries, key-value metadata), several row groups, and the
    /// real daily prices when present.
    #[test]
    fn valid_footers_pass_in_fewer_steps_than_bytes() {
        use crate::table::{Column, Table};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let n = 3_000;
        Table::new(vec![
            Column::Timestamp("timestamp".into(), (0..n as i64).collect()),
            Column::F64("close".into(), (0..n).map(|i| i as f64 * 0.5).collect()),
            Column::Str(
                "symbol".into(),
                (0..n).map(|i| format!("S{}", i % 7)).collect(),
            ),
        ])
        .write_parquet(&path)
        .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let footer = footer_of(&bytes);
        let steps = walk(footer).unwrap();
        assert!(
            steps > 20 && steps <= footer.len(),
            "{steps} {}",
            footer.len()
        );
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/realdata");
        for entry in std::fs::read_dir(real).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "parquet") {
                let bytes = std::fs::read(&path).unwrap();
                assert!(walk(footer_of(&bytes)).is_ok(), "{}", path.display());
            }
        }
    }
}
