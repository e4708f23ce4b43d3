//! The duty book's front desk: appointment requests and bookings, duty records, the rota and
//! leave (R12, R13, R23, R24). Must never open or name the archive: everything here lives in
//! `dutybook.db`, which every account can read.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rusqlite::{OptionalExtension, Row, params};

use super::{CounselorSession, DutyBookAccess, StoreError, audit, now_text};
use crate::domain::appointment::{Slot, Status};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    pub student_name: String,
    pub gender: String,
    pub class: String,
    pub contact: String,
    /// A problem category (study, emotion …), never details.
    pub category: String,
    pub preferred: String,
    pub channel: String,
    pub urgency: String,
    /// How the request came: phone, walk-in, letterbox, booked by the class teacher.
    pub way: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appointment {
    pub id: i64,
    pub request: Request,
    pub counselor: Option<String>,
    pub slot: Option<Slot>,
    pub status: Status,
    pub registered_by: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DutyRecord {
    pub date: NaiveDate,
    /// Which opening span of the day, e.g. `12:00-13:00`.
    pub shift: String,
    pub teacher: String,
    pub arrived: Option<NaiveTime>,
    pub left: Option<NaiveTime>,
    /// Visitors received: name and class only, never what they came about.
    pub visitors: String,
    pub contacts: String,
    pub events: String,
    pub handover: String,
    pub room_locked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotaEntry {
    pub weekday: u8,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    pub teacher: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leave {
    pub id: i64,
    pub teacher: String,
    pub date: NaiveDate,
    pub reason: String,
    pub status: String,
    pub substitute: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("overlaps appointment {0} of the same counselor")]
    Overlap(i64),
    #[error("outside the opening hours")]
    OutsideHours,
    #[error("that status change is not allowed")]
    BadTransition,
    #[error("no such entry")]
    NotFound,
    #[error("the departure time is before the arrival time")]
    LeftBeforeArrived,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for BookError {
    fn from(e: rusqlite::Error) -> Self {
        BookError::Store(e.into())
    }
}

const TIME: &str = "%Y-%m-%dT%H:%M";

fn parse_dt(text: Option<String>) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(&text?, TIME).ok()
}

const APPOINTMENT_COLUMNS: &str = "id, student_name, gender, class, contact, category, preferred, channel, urgency, \
     request_way, counselor, starts_at, ends_at, status, registered_by, created_at";

fn appointment(r: &Row<'_>) -> rusqlite::Result<Appointment> {
    let start = parse_dt(r.get(11)?);
    let end = parse_dt(r.get(12)?);
    Ok(Appointment {
        id: r.get(0)?,
        request: Request {
            student_name: r.get(1)?,
            gender: r.get(2)?,
            class: r.get(3)?,
            contact: r.get(4)?,
            category: r.get(5)?,
            preferred: r.get(6)?,
            channel: r.get(7)?,
            urgency: r.get(8)?,
            way: r.get(9)?,
        },
        counselor: r.get(10)?,
        slot: start.zip(end).map(|(start, end)| Slot { start, end }),
        status: Status::parse(&r.get::<_, String>(13)?).unwrap_or(Status::Requested),
        registered_by: r.get(14)?,
        created_at: r.get(15)?,
    })
}

fn time_text(t: Option<NaiveTime>) -> Option<String> {
    t.map(|t| t.format("%H:%M").to_string())
}

/// The front desk, for both roles.
pub trait FrontDesk: DutyBookAccess {
    /// Registers an appointment request (面谈预约登记).
    fn register_request(&self, request: &Request) -> Result<i64, StoreError> {
        let s = self.stores();
        let tx = s.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO appointments (student_name, gender, class, contact, category, preferred, channel, urgency,
               request_way, status, registered_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'requested', ?10, ?11)",
            params![
                request.student_name,
                request.gender,
                request.class,
                request.contact,
                request.category,
                request.preferred,
                request.channel,
                request.urgency,
                request.way,
                s.account,
                now_text()
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(&tx, "main", &s.account, "create", "appointment", &id.to_string())?;
        tx.commit()?;
        Ok(id)
    }

    /// Students on the roster with exactly this name.
    fn students_named(&self, name: &str) -> Result<Vec<crate::domain::roster::Student>, StoreError> {
        let s = self.stores();
        let mut stmt = s.conn.prepare(
            "SELECT student_no, name, gender, birth_date, grade, class FROM students WHERE name = ?1 ORDER BY student_no LIMIT 20",
        )?;
        let rows = stmt
            .query_map([name], |r| {
                Ok(crate::domain::roster::Student {
                    student_no: r.get(0)?,
                    name: r.get(1)?,
                    gender: r.get(2)?,
                    birth_date: r
                        .get::<_, Option<String>>(3)?
                        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                    grade: r.get(4)?,
                    class: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Requests not yet booked, most urgent and oldest first.
    fn open_requests(&self) -> Result<Vec<Appointment>, StoreError> {
        let s = self.stores();
        let mut stmt = s.conn.prepare(&format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE status = 'requested'
             ORDER BY CASE urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, id"
        ))?;
        let rows = stmt.query_map([], appointment)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Booked appointments that start on or after `from` and before `to`.
    fn appointments_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Appointment>, StoreError> {
        let s = self.stores();
        let mut stmt = s.conn.prepare(&format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointments
             WHERE starts_at >= ?1 AND starts_at < ?2 AND status IN ('confirmed', 'attended', 'no_show')
             ORDER BY starts_at"
        ))?;
        let rows = stmt
            .query_map(
                params![from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string()],
                appointment,
            )?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn appointment(&self, id: i64) -> Result<Option<Appointment>, StoreError> {
        let s = self.stores();
        Ok(s.conn
            .query_row(
                &format!("SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE id = ?1"),
                [id],
                appointment,
            )
            .optional()?)
    }

    /// Marks a booked appointment attended, missed or cancelled (到 / 缺 / 取消), with who and when.
    fn set_status(&self, id: i64, next: Status) -> Result<(), BookError> {
        let s = self.stores();
        let current = self.appointment(id)?.ok_or(BookError::NotFound)?;
        if next == Status::Confirmed || !current.status.can_become(next) {
            return Err(BookError::BadTransition);
        }
        let tx = s.conn.unchecked_transaction()?;
        // Back to requested (改, to be rebooked): the old slot is freed.
        let clear_slot = next == Status::Requested;
        tx.execute(
            "UPDATE appointments SET status = ?1, status_by = ?2, status_at = ?3,
               starts_at = CASE WHEN ?5 THEN NULL ELSE starts_at END,
               ends_at = CASE WHEN ?5 THEN NULL ELSE ends_at END
             WHERE id = ?4",
            params![next.as_str(), s.account, now_text(), id, clear_slot],
        )?;
        audit::append(&tx, "main", &s.account, next.as_str(), "appointment", &id.to_string())?;
        tx.commit()?;
        Ok(())
    }

    fn duty_record(&self, date: NaiveDate, shift: &str) -> Result<Option<DutyRecord>, StoreError> {
        let s = self.stores();
        Ok(s.conn
            .query_row(
                "SELECT date, shift, teacher, arrived_at, left_at, visitors, contacts, events, handover, room_locked
                 FROM duty_records WHERE date = ?1 AND shift = ?2",
                params![date.to_string(), shift],
                |r| {
                    Ok(DutyRecord {
                        date,
                        shift: r.get(1)?,
                        teacher: r.get(2)?,
                        arrived: r
                            .get::<_, Option<String>>(3)?
                            .and_then(|t| NaiveTime::parse_from_str(&t, "%H:%M").ok()),
                        left: r
                            .get::<_, Option<String>>(4)?
                            .and_then(|t| NaiveTime::parse_from_str(&t, "%H:%M").ok()),
                        visitors: r.get(5)?,
                        contacts: r.get(6)?,
                        events: r.get(7)?,
                        handover: r.get(8)?,
                        room_locked: r.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    /// Saves the duty record of a shift (当日值班记录); saving again updates it.
    fn save_duty_record(&self, record: &DutyRecord) -> Result<(), BookError> {
        if let (Some(a), Some(l)) = (record.arrived, record.left)
            && l < a
        {
            return Err(BookError::LeftBeforeArrived);
        }
        let s = self.stores();
        let tx = s.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO duty_records (date, shift, teacher, arrived_at, left_at, visitors, contacts, events, handover,
               room_locked, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT(date, shift) DO UPDATE SET teacher = excluded.teacher, arrived_at = excluded.arrived_at,
               left_at = excluded.left_at, visitors = excluded.visitors, contacts = excluded.contacts,
               events = excluded.events, handover = excluded.handover, room_locked = excluded.room_locked",
            params![
                record.date.to_string(),
                record.shift,
                record.teacher,
                time_text(record.arrived),
                time_text(record.left),
                record.visitors,
                record.contacts,
                record.events,
                record.handover,
                record.room_locked,
                now_text()
            ],
        )?;
        audit::append(
            &tx,
            "main",
            &s.account,
            "save",
            "duty_record",
            &format!("{} {}", record.date, record.shift),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The last handover written before `date` (交接): what the next duty teacher reads first.
    fn last_handover_before(&self, date: NaiveDate) -> Result<Option<(NaiveDate, String, String)>, StoreError> {
        let s = self.stores();
        Ok(s.conn
            .query_row(
                "SELECT date, teacher, handover FROM duty_records WHERE date < ?1 AND handover != ''
                 ORDER BY date DESC, shift DESC LIMIT 1",
                [date.to_string()],
                |r| {
                    let d: String = r.get(0)?;
                    Ok((
                        NaiveDate::parse_from_str(&d, "%Y-%m-%d").unwrap_or(date),
                        r.get(1)?,
                        r.get(2)?,
                    ))
                },
            )
            .optional()?)
    }

    fn rota(&self) -> Result<Vec<RotaEntry>, StoreError> {
        let s = self.stores();
        let mut stmt = s
            .conn
            .prepare("SELECT weekday, starts, ends, teacher FROM rota ORDER BY weekday, starts")?;
        let rows = stmt
            .query_map([], |r| {
                let t = |i: usize| -> rusqlite::Result<NaiveTime> {
                    Ok(NaiveTime::parse_from_str(&r.get::<_, String>(i)?, "%H:%M").unwrap_or(NaiveTime::MIN))
                };
                Ok(RotaEntry {
                    weekday: r.get(0)?,
                    starts: t(1)?,
                    ends: t(2)?,
                    teacher: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Who is on duty on `date`: the rota, with approved leave replaced by its substitute (代班).
    fn on_duty(&self, date: NaiveDate) -> Result<Vec<RotaEntry>, StoreError> {
        use chrono::Datelike;
        let weekday = date.weekday().num_days_from_monday() as u8;
        let leave = self.leave_on(date)?;
        Ok(self
            .rota()?
            .into_iter()
            .filter(|e| e.weekday == weekday)
            .filter_map(
                |mut e| match leave.iter().find(|l| l.teacher == e.teacher && l.status == "approved") {
                    Some(l) => l.substitute.clone().map(|sub| {
                        e.teacher = sub;
                        e
                    }),
                    None => Some(e),
                },
            )
            .collect())
    }

    fn leave_on(&self, date: NaiveDate) -> Result<Vec<Leave>, StoreError> {
        self.leave_where("date = ?1", &date.to_string())
    }

    fn pending_leave(&self) -> Result<Vec<Leave>, StoreError> {
        self.leave_where("status = ?1", "requested")
    }

    #[doc(hidden)]
    fn leave_where(&self, condition: &str, value: &str) -> Result<Vec<Leave>, StoreError> {
        let s = self.stores();
        let mut stmt = s.conn.prepare(&format!(
            "SELECT id, teacher, date, reason, status, substitute FROM leave WHERE {condition} ORDER BY date, id"
        ))?;
        let rows = stmt
            .query_map([value], |r| {
                let d: String = r.get(2)?;
                Ok(Leave {
                    id: r.get(0)?,
                    teacher: r.get(1)?,
                    date: NaiveDate::parse_from_str(&d, "%Y-%m-%d").unwrap_or_default(),
                    reason: r.get(3)?,
                    status: r.get(4)?,
                    substitute: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// A duty teacher asks the room head for leave on a day (R13).
    fn ask_leave(&self, date: NaiveDate, reason: &str) -> Result<i64, StoreError> {
        let s = self.stores();
        let tx = s.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO leave (teacher, date, reason, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![s.account, date.to_string(), reason, now_text()],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(&tx, "main", &s.account, "create", "leave", &id.to_string())?;
        tx.commit()?;
        Ok(id)
    }
}

impl<T: DutyBookAccess + ?Sized> FrontDesk for T {}

impl CounselorSession {
    /// Confirms a request into a slot with a counselor. Refuses an overlap with another booked
    /// appointment of the same counselor; refuses a slot outside the opening hours unless
    /// `outside_ok` (the counselor was warned and confirmed anyway).
    pub fn confirm_appointment(&self, id: i64, counselor: &str, slot: Slot, outside_ok: bool) -> Result<(), BookError> {
        let current = self.appointment(id)?.ok_or(BookError::NotFound)?;
        if !current.status.can_become(Status::Confirmed) {
            return Err(BookError::BadTransition);
        }
        let day = slot.start.date();
        for other in self.appointments_between(day, day.succ_opt().unwrap_or(day))? {
            let same_counselor = other.counselor.as_deref() == Some(counselor);
            let booked = matches!(other.status, Status::Confirmed | Status::Attended);
            if other.id != id && same_counselor && booked && other.slot.is_some_and(|o| o.overlaps(&slot)) {
                return Err(BookError::Overlap(other.id));
            }
        }
        let room = self.room_settings()?;
        let closed = crate::domain::rota::closed_on(&room.closed, slot.start.date()).is_some();
        if !outside_ok && (closed || !slot.within(&room.hours)) {
            return Err(BookError::OutsideHours);
        }
        let s = &self.stores;
        let tx = s.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE appointments SET status = 'confirmed', counselor = ?1, starts_at = ?2, ends_at = ?3,
               status_by = ?4, status_at = ?5 WHERE id = ?6",
            params![
                counselor,
                slot.start.format(TIME).to_string(),
                slot.end.format(TIME).to_string(),
                s.account,
                now_text(),
                id
            ],
        )?;
        audit::append(&tx, "main", &s.account, "confirm", "appointment", &id.to_string())?;
        tx.commit()?;
        // The two files commit separately: the link is written after the booking, and a crash in
        // between leaves a booking without a link, never a link without a booking. The booking
        // stands either way, so a failed link does not turn it into an error (`verify` would
        // report the damage that could cause it).
        let _ = self.link_to_open_case(id, &current.request.student_name);
        Ok(())
    }

    /// Replaces the rota (who is on duty in which slot of which weekday).
    pub fn set_rota(&self, entries: &[RotaEntry]) -> Result<(), StoreError> {
        let s = &self.stores;
        let tx = s.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM rota", [])?;
        for e in entries {
            tx.execute(
                "INSERT INTO rota (weekday, starts, ends, teacher) VALUES (?1, ?2, ?3, ?4)",
                params![
                    e.weekday,
                    e.starts.format("%H:%M").to_string(),
                    e.ends.format("%H:%M").to_string(),
                    e.teacher
                ],
            )?;
        }
        audit::append(&tx, "main", &s.account, "update", "rota", &entries.len().to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// Approves (with a substitute) or refuses a leave request.
    pub fn decide_leave(&self, id: i64, approve: bool, substitute: Option<&str>) -> Result<(), BookError> {
        let s = &self.stores;
        let tx = s.conn.unchecked_transaction()?;
        let changed = tx.execute(
            "UPDATE leave SET status = ?1, substitute = ?2, decided_by = ?3, decided_at = ?4
             WHERE id = ?5 AND status = 'requested'",
            params![
                if approve { "approved" } else { "refused" },
                substitute,
                s.account,
                now_text(),
                id
            ],
        )?;
        if changed == 0 {
            return Err(BookError::NotFound);
        }
        audit::append(
            &tx,
            "main",
            &s.account,
            if approve { "approve" } else { "refuse" },
            "leave",
            &id.to_string(),
        )?;
        tx.commit()?;
        Ok(())
    }
}
