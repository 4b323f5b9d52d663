//! Arrow column values as rotor's types, for the row-by-row Parquet reader
//! ([`crate::parquet_rows`]) and the event reader: how a timestamp column stores its
//! instants ([`TsKind`]), which column types prices and symbols may have, and whole columns
//! as `f64`, `String` and UTC nanosecond values (None for a null).

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::Array;
use arrow_schema::{DataType, TimeUnit};

use crate::time::NS_PER_DAY;

/// How a timestamp column stores its instants.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TsKind {
    /// Timestamp with this many ns per unit.
    Instant(i64),
    /// Days since the epoch (i32).
    Date32,
    /// Milliseconds since the epoch, meant as a date (i64).
    Date64,
}

/// The [`TsKind`] of a column type; None when it is not a timestamp or date.
pub(crate) fn ts_kind(dt: &DataType) -> Option<TsKind> {
    match dt {
        DataType::Timestamp(unit, _) => Some(TsKind::Instant(match unit {
            TimeUnit::Second => 1_000_000_000,
            TimeUnit::Millisecond => 1_000_000,
            TimeUnit::Microsecond => 1_000,
            TimeUnit::Nanosecond => 1,
        })),
        DataType::Date32 => Some(TsKind::Date32),
        DataType::Date64 => Some(TsKind::Date64),
        _ => None,
    }
}

/// True for the column types prices and volumes may have.
pub(crate) fn is_numeric(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Float64
            | DataType::Float32
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
    )
}

/// True for string columns (plain or dictionary-encoded).
pub(crate) fn is_string(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_string(v),
        _ => false,
    }
}

/// Values of a numeric column as f64 (None for null); None when the type is not numeric.
pub(crate) fn f64_values(arr: &dyn Array) -> Option<Vec<Option<f64>>> {
    macro_rules! prim {
        ($t:ty) => {
            arr.as_primitive_opt::<$t>()
                .map(|a| a.iter().map(|v| v.map(|x| x as f64)).collect())
        };
    }
    match arr.data_type() {
        DataType::Float64 => prim!(Float64Type),
        DataType::Float32 => prim!(Float32Type),
        DataType::Int8 => prim!(Int8Type),
        DataType::Int16 => prim!(Int16Type),
        DataType::Int32 => prim!(Int32Type),
        DataType::Int64 => prim!(Int64Type),
        DataType::UInt8 => prim!(UInt8Type),
        DataType::UInt16 => prim!(UInt16Type),
        DataType::UInt32 => prim!(UInt32Type),
        DataType::UInt64 => prim!(UInt64Type),
        _ => None,
    }
}

/// Values of a string column (utf8, large utf8, utf8 view, or a dictionary of those).
pub(crate) fn string_values(arr: &dyn Array) -> Option<Vec<Option<String>>> {
    match arr.data_type() {
        DataType::Utf8 => arr
            .as_string_opt::<i32>()
            .map(|a| a.iter().map(|v| v.map(str::to_string)).collect()),
        DataType::LargeUtf8 => arr
            .as_string_opt::<i64>()
            .map(|a| a.iter().map(|v| v.map(str::to_string)).collect()),
        DataType::Utf8View => arr
            .as_string_view_opt()
            .map(|a| a.iter().map(|v| v.map(str::to_string)).collect()),
        DataType::Dictionary(_, _) => {
            let dict = arr.as_any_dictionary_opt()?;
            let values = string_values(dict.values().as_ref())?;
            let keys = dict.normalized_keys();
            Some(
                keys.iter()
                    .enumerate()
                    .map(|(i, &k)| {
                        if arr.is_null(i) {
                            None
                        } else {
                            values.get(k).cloned().flatten()
                        }
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

/// Instants (ns UTC) of a timestamp/date column; `Err(i)` when row `i` overflows i64 ns.
pub(crate) fn instant_values(
    arr: &dyn Array,
    kind: TsKind,
) -> Option<Result<Vec<Option<i64>>, usize>> {
    let scale = |vals: Vec<Option<i64>>, factor: i64| -> Result<Vec<Option<i64>>, usize> {
        vals.into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                None => Ok(None),
                Some(x) => x.checked_mul(factor).map(Some).ok_or(i),
            })
            .collect()
    };
    Some(match kind {
        TsKind::Instant(f) => {
            let vals: Vec<Option<i64>> = match arr.data_type() {
                DataType::Timestamp(TimeUnit::Second, _) => arr
                    .as_primitive_opt::<TimestampSecondType>()?
                    .iter()
                    .collect(),
                DataType::Timestamp(TimeUnit::Millisecond, _) => arr
                    .as_primitive_opt::<TimestampMillisecondType>()?
                    .iter()
                    .collect(),
                DataType::Timestamp(TimeUnit::Microsecond, _) => arr
                    .as_primitive_opt::<TimestampMicrosecondType>()?
                    .iter()
                    .collect(),
                DataType::Timestamp(TimeUnit::Nanosecond, _) => arr
                    .as_primitive_opt::<TimestampNanosecondType>()?
                    .iter()
                    .collect(),
                _ => return None,
            };
            scale(vals, f)
        }
        TsKind::Date32 => {
            let vals = arr
                .as_primitive_opt::<Date32Type>()?
                .iter()
                .map(|v| v.map(i64::from))
                .collect();
            scale(vals, NS_PER_DAY)
        }
        TsKind::Date64 => {
            // Milliseconds; a date64 that is not a whole day is taken as its day.
            let vals = arr
                .as_primitive_opt::<Date64Type>()?
                .iter()
                .map(|v| v.map(|ms| ms.div_euclid(86_400_000)))
                .collect();
            scale(vals, NS_PER_DAY)
        }
    })
}
