//! The school roster in the duty book. Re-importing a roster updates students by student number.

use rusqlite::{Connection, params};

use super::{StoreError, audit, now_text};
use crate::domain::roster::Student;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
}

pub fn import(conn: &mut Connection, account: &str, rows: &[Student]) -> Result<ImportReport, StoreError> {
    let tx = conn.transaction()?;
    let mut report = ImportReport::default();
    let now = now_text();
    {
        let mut exists = tx.prepare("SELECT 1 FROM students WHERE student_no = ?1")?;
        let mut upsert = tx.prepare(
            "INSERT INTO students (student_no, name, gender, birth_date, grade, class, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(student_no) DO UPDATE SET name = excluded.name, gender = excluded.gender,
               birth_date = excluded.birth_date, grade = excluded.grade, class = excluded.class,
               updated_at = excluded.updated_at",
        )?;
        for s in rows {
            if exists.exists([&s.student_no])? {
                report.updated += 1;
            } else {
                report.added += 1;
            }
            upsert.execute(params![
                s.student_no,
                s.name,
                s.gender,
                s.birth_date.map(|d| d.to_string()),
                s.grade,
                s.class,
                now
            ])?;
        }
    }
    audit::append(
        &tx,
        "main",
        account,
        "import",
        "students",
        &format!("{}+{}", report.added, report.updated),
    )?;
    tx.commit()?;
    Ok(report)
}
