//! Screening results in the archive and the students of concern they produce (R26). The roster
//! (duty book) gives names; the results and who is of concern live in the archive only.

use rusqlite::params;

use super::{CounselorSession, StoreError, audit, now_text};
use crate::domain::scales::Scale;
use crate::domain::screening::Screened;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScreeningReport {
    pub imported: usize,
    pub of_concern: usize,
    /// Student numbers that match no one on the roster (imported all the same).
    pub unmatched: Vec<String>,
}

impl CounselorSession {
    /// Imports a screening, all rows in one transaction. A student is of concern when the band is
    /// at or above `cutoff_band` (index into the scale's bands) or a risk item was answered.
    pub fn import_screening(
        &self,
        scale: &Scale,
        rows: &[Screened],
        cutoff_band: usize,
    ) -> Result<ScreeningReport, StoreError> {
        let mut report = ScreeningReport::default();
        let tx = self.stores.conn.unchecked_transaction()?;
        {
            let mut on_roster = tx.prepare("SELECT 1 FROM main.students WHERE student_no = ?1")?;
            let mut insert = tx.prepare(
                "INSERT INTO archive.screenings (student_no, scale_id, answers, raw, band, risk, concern, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for row in rows {
                let band = row
                    .result
                    .band
                    .and_then(|b| scale.bands.get(b))
                    .map(|b| crate::domain::scales::text_in(&b.label, "zh-CN"));
                let risk = !row.result.risk_items.is_empty();
                let concern = risk || row.result.band.is_some_and(|b| b >= cutoff_band);
                if !on_roster.exists([&row.student_no])? {
                    report.unmatched.push(row.student_no.clone());
                }
                insert.execute(params![
                    row.student_no,
                    scale.id,
                    row.answers.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
                    row.result.raw,
                    band.unwrap_or(""),
                    risk,
                    concern,
                    now_text()
                ])?;
                report.imported += 1;
                report.of_concern += usize::from(concern);
            }
        }
        audit::append(
            &tx,
            "archive",
            &self.stores.account,
            "import",
            "screening",
            &format!("{} {}", scale.id, rows.len()),
        )?;
        tx.commit()?;
        Ok(report)
    }

    /// Students of concern not yet invited (主动约请), risk first: (id, student no., name, class,
    /// scale, band, risk).
    pub fn concern_not_invited(
        &self,
        limit: usize,
    ) -> Result<Vec<(i64, String, String, String, String, String, bool)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT s.id, s.student_no, COALESCE(r.name, ''), COALESCE(r.grade || r.class, ''), s.scale_id, s.band, s.risk
             FROM archive.screenings s LEFT JOIN main.students r ON r.student_no = s.student_no
             WHERE s.concern AND s.invited_at IS NULL ORDER BY s.risk DESC, s.raw DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn count_concern_not_invited(&self) -> Result<i64, StoreError> {
        Ok(self.stores.conn.query_row(
            "SELECT count(*) FROM archive.screenings WHERE concern AND invited_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Records that a student of concern was invited (主动约请), and how it went.
    pub fn record_invitation(&self, id: i64, outcome: &str) -> Result<(), StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE archive.screenings SET invited_at = ?1, outcome = ?2 WHERE id = ?3",
            params![now_text(), outcome, id],
        )?;
        audit::append(
            &tx,
            "archive",
            &self.stores.account,
            "invite",
            "screening",
            &id.to_string(),
        )?;
        tx.commit()?;
        Ok(())
    }
}
