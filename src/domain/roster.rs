//! The school roster as a CSV file: `student_no,name,gender,birth_date,grade,class`, or the
//! Chinese headers 学号,姓名,性别,出生日期,年级,班级; UTF-8 with or without BOM, or GBK as Excel
//! on Chinese Windows saves it. All rows are checked before any is taken.

use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Student {
    pub student_no: String,
    pub name: String,
    /// `M` or `F`.
    pub gender: String,
    pub birth_date: Option<NaiveDate>,
    pub grade: String,
    pub class: String,
}

/// What is wrong with one line of the file (line numbers count the header as line 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    MissingColumn(&'static str),
    Empty(&'static str),
    BadGender(String),
    BadDate(String),
    Duplicate { first_line: usize },
    Unreadable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub problem: RowProblem,
}

const COLUMNS: [(&str, &str); 6] = [
    ("student_no", "学号"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("grade", "年级"),
    ("class", "班级"),
];

/// Decodes the bytes of a roster file: UTF-8 (BOM or not) when valid, else GB18030/GBK.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    }
}

fn gender(text: &str) -> Option<&'static str> {
    match text.trim().to_lowercase().as_str() {
        "男" | "m" | "male" | "男生" => Some("M"),
        "女" | "f" | "female" | "女生" => Some("F"),
        _ => None,
    }
}

pub fn parse(bytes: &[u8]) -> Result<Vec<Student>, Vec<RowError>> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(_) => {
            return Err(vec![RowError {
                line: 1,
                problem: RowProblem::Unreadable,
            }]);
        }
    };
    let mut index = [0usize; 6];
    let mut missing = Vec::new();
    for (i, (en, zh)) in COLUMNS.iter().enumerate() {
        match headers.iter().position(|h| h.eq_ignore_ascii_case(en) || h == *zh) {
            Some(pos) => index[i] = pos,
            None => missing.push(RowError {
                line: 1,
                problem: RowProblem::MissingColumn(en),
            }),
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    let today = chrono::Local::now().date_naive();
    let mut students = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let Ok(record) = record else {
            errors.push(RowError {
                line,
                problem: RowProblem::Unreadable,
            });
            continue;
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |i: usize| record.get(index[i]).unwrap_or("").to_owned();
        let mut problem = None;
        for (i, col) in [(0, "student_no"), (1, "name"), (4, "grade"), (5, "class")] {
            if field(i).is_empty() && problem.is_none() {
                problem = Some(RowProblem::Empty(col));
            }
        }
        let g = gender(&field(2));
        if problem.is_none() && g.is_none() {
            problem = Some(RowProblem::BadGender(field(2)));
        }
        let birth_text = field(3);
        let birth = if birth_text.is_empty() {
            None
        } else {
            crate::domain::date::parse_date(&birth_text, today)
        };
        if problem.is_none() && !birth_text.is_empty() && birth.is_none() {
            problem = Some(RowProblem::BadDate(birth_text));
        }
        if problem.is_none()
            && let Some(&first_line) = seen.get(&field(0))
        {
            problem = Some(RowProblem::Duplicate { first_line });
        }
        match problem {
            Some(problem) => errors.push(RowError { line, problem }),
            None => {
                seen.insert(field(0), line);
                students.push(Student {
                    student_no: field(0),
                    name: field(1),
                    gender: g.unwrap_or("").to_owned(),
                    birth_date: birth,
                    grade: field(4),
                    class: field(5),
                });
            }
        }
    }
    if errors.is_empty() { Ok(students) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_headers_bom_and_gbk_parse_alike() {
        let text = "学号,姓名,性别,出生日期,年级,班级\n20260101,欧阳璟珩,女,2012-03-05,初一,\"3班，实验\"\n";
        let utf8 = parse(text.as_bytes()).unwrap();
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(parse(&with_bom).unwrap(), utf8);
        assert_eq!(parse(&gbk).unwrap(), utf8);
        assert_eq!(utf8[0].name, "欧阳璟珩");
        assert_eq!(utf8[0].class, "3班，实验");
        assert_eq!(utf8[0].gender, "F");
    }

    #[test]
    fn bad_rows_are_reported_by_line_and_nothing_is_returned() {
        let text = "student_no,name,gender,birth_date,grade,class\n1,张三,男,2012-01-01,初一,1班\n2,,男,,初一,1班\n1,李四,女,,初一,1班\n3,王五,x,,初一,1班\n4,赵六,男,2012-13-01,初一,1班\n";
        let errors = parse(text.as_bytes()).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6]);
        assert_eq!(errors[1].problem, RowProblem::Duplicate { first_line: 2 });
    }

    #[test]
    fn a_missing_column_is_named() {
        let errors = parse("学号,姓名,性别\n1,张三,男\n".as_bytes()).unwrap_err();
        assert!(errors.contains(&RowError {
            line: 1,
            problem: RowProblem::MissingColumn("grade")
        }));
    }
}
