//! A whole grade's screening (心理普查, R26) from a CSV in the plain layout: the student number
//! (`学号` or `student_no`) and one column per item holding the answer's value (`1`, `Q1`, `第1题`
//! …, in item order). Every row is scored by the scale's own definition; a row that cannot be
//! scored is reported by line and nothing is taken.

use super::scales::{Result as ScaleResult, Scale};

#[derive(Clone, Debug, PartialEq)]
pub struct Screened {
    pub line: usize,
    pub student_no: String,
    pub answers: Vec<i64>,
    pub result: ScaleResult,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScreeningProblem {
    NoStudentColumn,
    ItemColumns { found: usize, needed: usize },
    Row { line: usize, problem: String },
}

pub fn parse(bytes: &[u8], scale: &Scale) -> Result<Vec<Screened>, Vec<ScreeningProblem>> {
    let text = super::roster::decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let Ok(headers) = reader.headers().cloned() else {
        return Err(vec![ScreeningProblem::NoStudentColumn]);
    };
    let Some(no_col) = headers
        .iter()
        .position(|h| h == "学号" || h.eq_ignore_ascii_case("student_no"))
    else {
        return Err(vec![ScreeningProblem::NoStudentColumn]);
    };
    let item_cols: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(i, h)| *i != no_col && h.chars().any(|c| c.is_ascii_digit()))
        .map(|(i, _)| i)
        .collect();
    if item_cols.len() != scale.items.len() {
        return Err(vec![ScreeningProblem::ItemColumns {
            found: item_cols.len(),
            needed: scale.items.len(),
        }]);
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let Ok(record) = record else {
            problems.push(ScreeningProblem::Row {
                line,
                problem: "unreadable".into(),
            });
            continue;
        };
        let student_no = record.get(no_col).unwrap_or("").to_owned();
        let answers: Result<Vec<i64>, _> = item_cols
            .iter()
            .map(|&c| record.get(c).unwrap_or("").parse::<i64>())
            .collect();
        match answers
            .map_err(|e| e.to_string())
            .and_then(|a| scale.score(&a).map(|r| (a, r)).map_err(|e| e.problem))
        {
            Ok((answers, result)) if !student_no.is_empty() => rows.push(Screened {
                line,
                student_no,
                answers,
                result,
            }),
            Ok(_) => problems.push(ScreeningProblem::Row {
                line,
                problem: "no student number".into(),
            }),
            Err(problem) => problems.push(ScreeningProblem::Row { line, problem }),
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}
