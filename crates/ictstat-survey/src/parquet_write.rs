//! The tidy tabulation as Parquet: the columns of [`Tabulation::write_csv`], typed, so a
//! reader gets numbers as numbers and withheld values as nulls rather than empty strings.

use std::io::Write;
use std::sync::Arc;

use parquet::basic::{Compression, ConvertedType, Repetition, Type as Physical};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::tabulate::Tabulation;

/// One output column: its values, row by row (`None`: null).
enum Column {
    /// UTF8; `required` columns never hold `None`.
    Text {
        required: bool,
        values: Vec<Option<String>>,
    },
    Double {
        required: bool,
        values: Vec<Option<f64>>,
    },
    Int(Vec<i64>),
}

impl Column {
    fn field(&self, name: &str) -> Result<Type, ParquetError> {
        let (physical, required, utf8) = match self {
            Self::Text { required, .. } => (Physical::BYTE_ARRAY, *required, true),
            Self::Double { required, .. } => (Physical::DOUBLE, *required, false),
            Self::Int(_) => (Physical::INT64, true, false),
        };
        let mut b = Type::primitive_type_builder(name, physical).with_repetition(if required {
            Repetition::REQUIRED
        } else {
            Repetition::OPTIONAL
        });
        if utf8 {
            b = b.with_converted_type(ConvertedType::UTF8);
        }
        b.build()
    }

    fn write(&self, writer: &mut ColumnWriter<'_>) -> Result<(), ParquetError> {
        /// The dense values and the definition levels (1 present, 0 null).
        fn dense<T: Clone, U>(values: &[Option<T>], f: impl Fn(&T) -> U) -> (Vec<U>, Vec<i16>) {
            let def = values.iter().map(|v| i16::from(v.is_some())).collect();
            (values.iter().flatten().map(f).collect(), def)
        }
        match (self, writer) {
            (Self::Text { required, values }, ColumnWriter::ByteArrayColumnWriter(w)) => {
                let (dense, def) = dense(values, |s| ByteArray::from(s.as_str()));
                w.write_batch(&dense, (!required).then_some(&def[..]), None)?;
            }
            (Self::Double { required, values }, ColumnWriter::DoubleColumnWriter(w)) => {
                let (dense, def) = dense(values, |x| *x);
                w.write_batch(&dense, (!required).then_some(&def[..]), None)?;
            }
            (Self::Int(values), ColumnWriter::Int64ColumnWriter(w)) => {
                w.write_batch(values, None, None)?;
            }
            _ => return Err(ParquetError::General("column type mismatch".to_owned())),
        }
        Ok(())
    }
}

impl Tabulation {
    /// Writes the tidy table as Parquet (one row group, snappy): the columns of
    /// [`Tabulation::write_csv`], in its order — `indicator`, `plan_key` and
    /// `statistic`, `ci_method`, `quality`, `obs_status` as UTF8; one nullable UTF8
    /// column per dimension (null where the dimension does not apply); `value`, `se`,
    /// `cv`, `df`, `deff`, `ci_lower`, `ci_upper` as nullable DOUBLE (null where the CSV
    /// is empty: withheld or undefined); `n` as INT64; `weighted_size` as DOUBLE.
    pub fn write_parquet(&self, out: impl Write + Send) -> Result<(), ParquetError> {
        let dims = self.dimensions();
        let rows = &self.rows;
        let text = |f: &dyn Fn(&crate::Output) -> String| Column::Text {
            required: true,
            values: rows.iter().map(|r| Some(f(r))).collect(),
        };
        let double = |f: &dyn Fn(&crate::Output) -> Option<f64>| Column::Double {
            required: false,
            values: rows.iter().map(f).collect(),
        };
        let mut columns: Vec<(String, Column)> = vec![
            ("indicator".into(), text(&|r| r.indicator.clone())),
            ("plan_key".into(), text(&|r| r.plan_key.clone())),
        ];
        for d in &dims {
            columns.push((
                d.clone(),
                Column::Text {
                    required: false,
                    values: rows.iter().map(|r| r.breakdown.get(d).cloned()).collect(),
                },
            ));
        }
        columns.extend([
            ("statistic".into(), text(&|r| r.statistic.to_owned())),
            ("value".into(), double(&|r| r.value)),
            ("se".into(), double(&|r| r.se)),
            ("cv".into(), double(&|r| r.cv)),
            ("df".into(), double(&|r| r.df.is_finite().then_some(r.df))),
            ("deff".into(), double(&|r| r.deff)),
            ("ci_lower".into(), double(&|r| r.ci_lower)),
            ("ci_upper".into(), double(&|r| r.ci_upper)),
            ("ci_method".into(), text(&|r| r.ci_method.to_owned())),
            (
                "n".into(),
                Column::Int(
                    rows.iter()
                        .map(|r| i64::try_from(r.n).unwrap_or(i64::MAX))
                        .collect(),
                ),
            ),
            (
                "weighted_size".into(),
                Column::Double {
                    required: true,
                    values: rows.iter().map(|r| Some(r.weighted_size)).collect(),
                },
            ),
            ("quality".into(), text(&|r| r.quality.name().to_owned())),
            ("obs_status".into(), text(&|r| r.obs_status.to_owned())),
        ]);
        let fields = columns
            .iter()
            .map(|(name, c)| c.field(name).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        let schema = Type::group_type_builder("tabulation")
            .with_fields(fields)
            .build()?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let mut writer = SerializedFileWriter::new(out, Arc::new(schema), Arc::new(props))?;
        let mut group = writer.next_row_group()?;
        for (_, c) in &columns {
            let mut col = group
                .next_column()?
                .ok_or_else(|| ParquetError::General("fewer columns than the schema".into()))?;
            c.write(col.untyped())?;
            col.close()?;
        }
        group.close()?;
        writer.close()?;
        Ok(())
    }
}
