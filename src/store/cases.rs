//! Clients and their cases in the archive (R1–R11, R16–R19, R25): registration, the stages and
//! what each still lacks, goals with their history, sessions that are signed and then only get
//! addenda, drafts that survive a crash, risk events, referrals, follow-ups, the search index.
//! Every view of a client or case and every change writes an audit row (R15).
//! Counselors only: all of this is on `CounselorSession`, which a duty login never has.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, params};

use super::{CounselorSession, StoreError, audit, now_text};
use crate::domain::case::{self, CaseFacts, Missing, Stage};
use crate::domain::names::{bigrams, initials};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Client {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub gender: String,
    pub birth_date: Option<NaiveDate>,
    pub grade: String,
    pub class: String,
    pub guardian: String,
    pub contact: String,
    /// How the student came (来访途径): self, class teacher, parent, classmate, screening.
    pub source: String,
    pub family: String,
    pub social: String,
    pub life_history: String,
    pub interests: String,
    pub recent: String,
    pub prior_counseling: String,
    pub tags: String,
    /// 重点关注: a student of concern.
    pub concern: bool,
}

/// A line of the client list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRow {
    pub id: i64,
    pub name: String,
    pub student_no: String,
    pub class: String,
    pub tags: String,
    pub concern: bool,
    /// The stage of the newest case, if any.
    pub stage: Option<Stage>,
    /// An unresolved risk event on any of the client's cases.
    pub open_risk: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Case {
    pub id: i64,
    pub client_id: i64,
    pub stage: Option<Stage>,
    pub opened_at: String,
    pub counselor: String,
    pub first_contact_at: Option<NaiveDate>,
    pub agreement_at: Option<NaiveDate>,
    pub agreement_terms: String,
    pub recording_consent: Option<bool>,
    pub guardian_consent_at: Option<NaiveDate>,
    pub guardian_consent_by: String,
    pub methods: String,
    pub nature: String,
    pub duration: String,
    pub causes: String,
    pub severity: String,
    pub category: String,
    pub plan: String,
    pub review: String,
    pub ending: String,
    pub close_reason: String,
    pub closing_summary: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionNote {
    pub id: i64,
    pub case_id: i64,
    pub held_at: String,
    pub minutes: i64,
    pub channel: String,
    pub main_problem: String,
    pub process: String,
    pub suggestions: String,
    pub effect: String,
    pub other: String,
    pub homework: String,
    pub homework_feedback: String,
    pub next_appointment: String,
    pub signed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Goal {
    pub id: i64,
    /// `intermediate` or `ultimate` (R6).
    pub kind: String,
    pub text: String,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub case_id: i64,
    pub kind: String,
    pub reference: i64,
    pub snippet: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("the stage still lacks something")]
    Missing(Vec<Missing>),
    #[error("that stage change is not allowed")]
    BadMove,
    #[error("a signed note is not edited; add an addendum")]
    Signed,
    #[error("a follow-up needs a due date")]
    NoDueDate,
    #[error("no such record")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for CaseError {
    fn from(e: rusqlite::Error) -> Self {
        CaseError::Store(e.into())
    }
}

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn date_of(text: Option<String>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&text?, "%Y-%m-%d").ok()
}

const CLIENT_COLUMNS: &str = "id, student_no, name, gender, birth_date, grade, class, guardian, contact, source, family, \
     social, life_history, interests, recent, prior_counseling, tags, concern";

fn client_of(r: &Row<'_>) -> rusqlite::Result<Client> {
    Ok(Client {
        id: r.get(0)?,
        student_no: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        name: r.get(2)?,
        gender: r.get(3)?,
        birth_date: date_of(r.get(4)?),
        grade: r.get(5)?,
        class: r.get(6)?,
        guardian: r.get(7)?,
        contact: r.get(8)?,
        source: r.get(9)?,
        family: r.get(10)?,
        social: r.get(11)?,
        life_history: r.get(12)?,
        interests: r.get(13)?,
        recent: r.get(14)?,
        prior_counseling: r.get(15)?,
        tags: r.get(16)?,
        concern: r.get(17)?,
    })
}

const CASE_COLUMNS: &str = "id, client_id, stage, opened_at, counselor, first_contact_at, agreement_at, agreement_terms, \
     recording_consent, guardian_consent_at, guardian_consent_by, methods, nature, duration, causes, severity, category, \
     plan, review, ending, close_reason, closing_summary";

fn case_of(r: &Row<'_>) -> rusqlite::Result<Case> {
    Ok(Case {
        id: r.get(0)?,
        client_id: r.get(1)?,
        stage: Stage::parse(&r.get::<_, String>(2)?),
        opened_at: r.get(3)?,
        counselor: r.get(4)?,
        first_contact_at: date_of(r.get(5)?),
        agreement_at: date_of(r.get(6)?),
        agreement_terms: r.get(7)?,
        recording_consent: r.get(8)?,
        guardian_consent_at: date_of(r.get(9)?),
        guardian_consent_by: r.get(10)?,
        methods: r.get(11)?,
        nature: r.get(12)?,
        duration: r.get(13)?,
        causes: r.get(14)?,
        severity: r.get(15)?,
        category: r.get(16)?,
        plan: r.get(17)?,
        review: r.get(18)?,
        ending: r.get(19)?,
        close_reason: r.get(20)?,
        closing_summary: r.get(21)?,
    })
}

/// Quotes user input for FTS5 MATCH: one phrase, inner quotes doubled.
fn phrase(query: &str) -> String {
    format!("\"{}\"", query.replace('"', "\"\""))
}

impl CounselorSession {
    fn audit_archive(&self, tx: &rusqlite::Connection, action: &str, entity: &str, id: i64) -> Result<(), StoreError> {
        audit::append(tx, "archive", &self.stores.account, action, entity, &id.to_string())
    }

    /// Replaces what the search index holds for one record: the text in the trigram table, its
    /// bigrams in the contentless bigram table under the same rowid, and the (kind, ref) → rowid
    /// map that finds them again without scanning.
    fn index(
        &self,
        tx: &rusqlite::Connection,
        kind: &str,
        reference: i64,
        case_id: i64,
        text: &str,
    ) -> Result<(), StoreError> {
        let old: Option<i64> = tx
            .query_row(
                "SELECT row FROM archive.search_refs WHERE kind = ?1 AND ref = ?2",
                params![kind, reference],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(row) = old {
            tx.execute("DELETE FROM archive.search_tri WHERE rowid = ?1", [row])?;
            tx.execute("DELETE FROM archive.search_bi WHERE rowid = ?1", [row])?;
            tx.execute(
                "DELETE FROM archive.search_refs WHERE kind = ?1 AND ref = ?2",
                params![kind, reference],
            )?;
        }
        if !text.trim().is_empty() {
            tx.execute(
                "INSERT INTO archive.search_tri (body, kind, ref, case_id) VALUES (?1, ?2, ?3, ?4)",
                params![text, kind, reference, case_id],
            )?;
            let row = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO archive.search_bi (rowid, body) VALUES (?1, ?2)",
                params![row, bigrams(text)],
            )?;
            tx.execute(
                "INSERT INTO archive.search_refs (kind, ref, row) VALUES (?1, ?2, ?3)",
                params![kind, reference, row],
            )?;
        }
        Ok(())
    }

    pub fn register_client(&self, c: &Client) -> Result<i64, StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO archive.clients (name, created_at) VALUES (?1, ?2)",
            params![c.name, now_text()],
        )?;
        let id = tx.last_insert_rowid();
        self.write_client(&tx, id, c)?;
        self.audit_archive(&tx, "create", "client", id)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn update_client(&self, c: &Client) -> Result<(), StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        self.write_client(&tx, c.id, c)?;
        tx.execute(
            "UPDATE archive.clients SET updated_at = ?1 WHERE id = ?2",
            params![now_text(), c.id],
        )?;
        self.audit_archive(&tx, "update", "client", c.id)?;
        tx.commit()?;
        Ok(())
    }

    /// Writes every R1 field of a client, its pinyin initials and its search entry.
    fn write_client(&self, tx: &rusqlite::Connection, id: i64, c: &Client) -> Result<(), StoreError> {
        tx.execute(
            "UPDATE archive.clients SET student_no = ?1, name = ?2, gender = ?3, birth_date = ?4, grade = ?5, class = ?6,
               guardian = ?7, contact = ?8, source = ?9, family = ?10, social = ?11, life_history = ?12, interests = ?13,
               recent = ?14, prior_counseling = ?15, tags = ?16, concern = ?17, initials = ?18
             WHERE id = ?19",
            params![
                Some(&c.student_no).filter(|s| !s.is_empty()),
                c.name,
                c.gender,
                date_text(c.birth_date),
                c.grade,
                c.class,
                c.guardian,
                c.contact,
                c.source,
                c.family,
                c.social,
                c.life_history,
                c.interests,
                c.recent,
                c.prior_counseling,
                c.tags,
                c.concern,
                initials(&c.name),
                id
            ],
        )?;
        self.index(tx, "client", id, 0, &format!("{} {}", c.name, c.tags))
    }

    /// Opens a client's record; the view is audited.
    pub fn client(&self, id: i64) -> Result<Option<Client>, StoreError> {
        self.audited_view(
            "client",
            &format!("SELECT {CLIENT_COLUMNS} FROM archive.clients WHERE id = ?1"),
            id,
            client_of,
        )
    }

    /// Reads one record by id and, when it exists, writes the "view" audit row in the same
    /// transaction (R15: every view of a case or client is audited).
    fn audited_view<T>(
        &self,
        entity: &str,
        sql: &str,
        id: i64,
        map: fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        let found = tx.query_row(sql, [id], map).optional()?;
        if found.is_some() {
            self.audit_archive(&tx, "view", entity, id)?;
        }
        tx.commit()?;
        Ok(found)
    }

    /// The client list, filtered as the counselor types: name, pinyin initials, student number,
    /// class or tag. Students of concern and open risks first, then by name.
    pub fn clients(&self, filter: &str, limit: usize) -> Result<Vec<ClientRow>, StoreError> {
        let f = filter.trim().to_lowercase();
        let like = format!("%{}%", f.replace(['%', '_'], ""));
        let mut stmt = self.stores.conn.prepare(
            "SELECT c.id, c.name, COALESCE(c.student_no, ''), c.grade || c.class, c.tags, c.concern,
                (SELECT stage FROM archive.cases k WHERE k.client_id = c.id ORDER BY k.id DESC LIMIT 1),
                EXISTS (SELECT 1 FROM archive.risk_events r JOIN archive.cases k ON r.case_id = k.id
                        WHERE k.client_id = c.id AND r.resolved_at IS NULL)
             FROM archive.clients c
             WHERE ?1 = '' OR c.name LIKE ?2 OR c.initials LIKE ?3 OR COALESCE(c.student_no, '') LIKE ?2
                OR (c.grade || c.class) LIKE ?2 OR c.tags LIKE ?2
             ORDER BY 8 DESC, c.concern DESC, c.initials, c.id
             LIMIT ?4",
        )?;
        let rows = stmt
            .query_map(params![f, like, format!("{f}%"), limit as i64], |r| {
                Ok(ClientRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    student_no: r.get(2)?,
                    class: r.get(3)?,
                    tags: r.get(4)?,
                    concern: r.get(5)?,
                    stage: r.get::<_, Option<String>>(6)?.and_then(|s| Stage::parse(&s)),
                    open_risk: r.get(7)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Opens a new case for a client, at intake.
    pub fn open_case(&self, client_id: i64) -> Result<i64, StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO archive.cases (client_id, stage, opened_at, counselor) VALUES (?1, 'intake', ?2, ?3)",
            params![client_id, now_text(), self.stores.account],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO archive.case_stages (case_id, stage, at, by) VALUES (?1, 'intake', ?2, ?3)",
            params![id, now_text(), self.stores.account],
        )?;
        self.audit_archive(&tx, "create", "case", id)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn cases_of(&self, client_id: i64) -> Result<Vec<Case>, StoreError> {
        let mut stmt = self.stores.conn.prepare(&format!(
            "SELECT {CASE_COLUMNS} FROM archive.cases WHERE client_id = ?1 ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([client_id], case_of)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Opens a case; the view is audited.
    pub fn case(&self, id: i64) -> Result<Option<Case>, StoreError> {
        self.audited_view(
            "case",
            &format!("SELECT {CASE_COLUMNS} FROM archive.cases WHERE id = ?1"),
            id,
            case_of,
        )
    }

    /// Saves the case's own fields (intake, assessment, plan, review, ending). The stage moves
    /// only through [`CounselorSession::move_case`].
    pub fn save_case(&self, c: &Case) -> Result<(), StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE archive.cases SET first_contact_at = ?1, agreement_at = ?2, agreement_terms = ?3,
               recording_consent = ?4, guardian_consent_at = ?5, guardian_consent_by = ?6, methods = ?7, nature = ?8,
               duration = ?9, causes = ?10, severity = ?11, category = ?12, plan = ?13, review = ?14, ending = ?15,
               close_reason = ?16, closing_summary = ?17
             WHERE id = ?18",
            params![
                date_text(c.first_contact_at),
                date_text(c.agreement_at),
                c.agreement_terms,
                c.recording_consent,
                date_text(c.guardian_consent_at),
                c.guardian_consent_by,
                c.methods,
                c.nature,
                c.duration,
                c.causes,
                c.severity,
                c.category,
                c.plan,
                c.review,
                c.ending,
                c.close_reason,
                c.closing_summary,
                c.id
            ],
        )?;
        self.audit_archive(&tx, "update", "case", c.id)?;
        let text = [&c.nature, &c.causes, &c.plan, &c.review, &c.closing_summary]
            .map(|s| s.as_str())
            .join("\n");
        self.index(&tx, "case", c.id, c.id, &text)?;
        tx.commit()?;
        Ok(())
    }

    /// What the store knows of a case, for the checklist.
    pub fn case_facts(&self, id: i64) -> Result<CaseFacts, StoreError> {
        let conn = &self.stores.conn;
        let c = conn
            .query_row(
                &format!("SELECT {CASE_COLUMNS} FROM archive.cases WHERE id = ?1"),
                [id],
                case_of,
            )
            .optional()?
            .unwrap_or_default();
        let birth: Option<String> = conn
            .query_row(
                "SELECT birth_date FROM archive.clients WHERE id = ?1",
                [c.client_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let opened = NaiveDate::parse_from_str(c.opened_at.get(..10).unwrap_or(""), "%Y-%m-%d").ok();
        let under_14 = match (date_of(birth), opened) {
            (Some(b), Some(o)) => case::age_on(b, o) < 14,
            _ => false,
        };
        let count = |sql: &str| -> Result<usize, StoreError> {
            Ok(conn.query_row(sql, [id], |r| r.get::<_, i64>(0))? as usize)
        };
        Ok(CaseFacts {
            first_contact: c.first_contact_at.is_some(),
            agreement: c.agreement_at.is_some(),
            recording_consent: c.recording_consent,
            under_14,
            guardian_consent: c.guardian_consent_at.is_some() && !c.guardian_consent_by.is_empty(),
            methods: !c.methods.trim().is_empty(),
            analysis: [&c.nature, &c.duration, &c.causes, &c.severity]
                .iter()
                .all(|s| !s.trim().is_empty()),
            category: !c.category.is_empty(),
            goals: count("SELECT count(*) FROM archive.goals WHERE case_id = ?1")?,
            plan: !c.plan.trim().is_empty(),
            signed_sessions: count(
                "SELECT count(*) FROM archive.sessions WHERE case_id = ?1 AND signed_at IS NOT NULL",
            )?,
            review: !c.review.trim().is_empty(),
            closing_summary: !c.close_reason.is_empty() && !c.closing_summary.trim().is_empty(),
            follow_ups_due: count("SELECT count(*) FROM archive.follow_ups WHERE case_id = ?1")?,
        })
    }

    /// Moves a case to another stage when the rules allow (R1–R11).
    pub fn move_case(&self, id: i64, to: Stage) -> Result<(), CaseError> {
        let current = self
            .stores
            .conn
            .query_row("SELECT stage FROM archive.cases WHERE id = ?1", [id], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|s| Stage::parse(&s))
            .ok_or(CaseError::NotFound)?;
        let facts = self.case_facts(id)?;
        case::can_move(current, to, &facts).map_err(|m| {
            if m.is_empty() {
                CaseError::BadMove
            } else {
                CaseError::Missing(m)
            }
        })?;
        let tx = self.stores.conn.unchecked_transaction()?;
        let closed = if to == Stage::Closed { Some(now_text()) } else { None };
        tx.execute(
            "UPDATE archive.cases SET stage = ?1, closed_at = COALESCE(?2, closed_at) WHERE id = ?3",
            params![to.as_str(), closed, id],
        )?;
        tx.execute(
            "INSERT INTO archive.case_stages (case_id, stage, at, by) VALUES (?1, ?2, ?3, ?4)",
            params![id, to.as_str(), now_text(), self.stores.account],
        )?;
        self.audit_archive(&tx, &format!("stage:{}", to.as_str()), "case", id)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds a goal (R6); its first version starts its history.
    pub fn add_goal(&self, case_id: i64, kind: &str, text: &str) -> Result<i64, StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO archive.goals (case_id, kind, text, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![case_id, kind, text, now_text()],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO archive.goal_history (goal_id, at, by, text, status) VALUES (?1, ?2, ?3, ?4, 'open')",
            params![id, now_text(), self.stores.account, text],
        )?;
        self.audit_archive(&tx, "create", "goal", id)?;
        self.index(&tx, "goal", id, case_id, text)?;
        tx.commit()?;
        Ok(id)
    }

    /// Changes a goal's wording or status; the old version stays in its history.
    pub fn change_goal(&self, goal_id: i64, text: &str, status: &str) -> Result<(), StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        let case_id: i64 = tx.query_row("SELECT case_id FROM archive.goals WHERE id = ?1", [goal_id], |r| {
            r.get(0)
        })?;
        tx.execute(
            "UPDATE archive.goals SET text = ?1, status = ?2 WHERE id = ?3",
            params![text, status, goal_id],
        )?;
        tx.execute(
            "INSERT INTO archive.goal_history (goal_id, at, by, text, status) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![goal_id, now_text(), self.stores.account, text, status],
        )?;
        self.audit_archive(&tx, "update", "goal", goal_id)?;
        self.index(&tx, "goal", goal_id, case_id, text)?;
        tx.commit()?;
        Ok(())
    }

    pub fn goals(&self, case_id: i64) -> Result<Vec<Goal>, StoreError> {
        let mut stmt = self
            .stores
            .conn
            .prepare("SELECT id, kind, text, status FROM archive.goals WHERE case_id = ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([case_id], |r| {
                Ok(Goal {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    text: r.get(2)?,
                    status: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Every version of a goal, oldest first: (when, text, status).
    pub fn goal_history(&self, goal_id: i64) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self
            .stores
            .conn
            .prepare("SELECT at, text, status FROM archive.goal_history WHERE goal_id = ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([goal_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Saves a session note (R25): new when `id` is 0, else an update, refused once signed.
    pub fn save_session(&self, s: &SessionNote) -> Result<i64, CaseError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        let id = if s.id == 0 {
            insert_session(&tx, s)?
        } else {
            let signed: Option<String> = tx
                .query_row("SELECT signed_at FROM archive.sessions WHERE id = ?1", [s.id], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or(CaseError::NotFound)?;
            if signed.is_some() {
                return Err(CaseError::Signed);
            }
            tx.execute(
                "UPDATE archive.sessions SET held_at = ?1, minutes = ?2, channel = ?3, main_problem = ?4, process = ?5,
                   suggestions = ?6, effect = ?7, other = ?8, homework = ?9, homework_feedback = ?10, next_appointment = ?11
                 WHERE id = ?12",
                params![
                    s.held_at,
                    s.minutes,
                    s.channel,
                    s.main_problem,
                    s.process,
                    s.suggestions,
                    s.effect,
                    s.other,
                    s.homework,
                    s.homework_feedback,
                    s.next_appointment,
                    s.id
                ],
            )?;
            s.id
        };
        self.audit_archive(&tx, if s.id == 0 { "create" } else { "update" }, "session", id)?;
        self.index(&tx, "session", id, s.case_id, &session_text(s))?;
        tx.commit()?;
        Ok(id)
    }

    /// Writes many session notes in one transaction (demo archives, benchmarks), indexed as one
    /// at a time would be, with one audit row for the batch.
    pub fn import_sessions(&self, notes: &[SessionNote]) -> Result<usize, StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        for s in notes {
            let id = insert_session(&tx, s)?;
            self.index(&tx, "session", id, s.case_id, &session_text(s))?;
        }
        audit::append(
            &tx,
            "archive",
            &self.stores.account,
            "import",
            "session",
            &notes.len().to_string(),
        )?;
        tx.commit()?;
        Ok(notes.len())
    }

    /// Signs a note: from now on it only gets dated addenda.
    pub fn sign_session(&self, id: i64) -> Result<(), CaseError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        let changed = tx.execute(
            "UPDATE archive.sessions SET signed_at = ?1, signed_by = ?2 WHERE id = ?3 AND signed_at IS NULL",
            params![now_text(), self.stores.account, id],
        )?;
        if changed == 0 {
            return Err(CaseError::Signed);
        }
        self.audit_archive(&tx, "sign", "session", id)?;
        tx.commit()?;
        Ok(())
    }

    /// A dated addendum to a signed note, so the record shows what was known when.
    pub fn add_addendum(&self, session_id: i64, text: &str) -> Result<(), CaseError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        let signed: Option<String> = tx
            .query_row(
                "SELECT signed_at FROM archive.sessions WHERE id = ?1",
                [session_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CaseError::NotFound)?;
        if signed.is_none() {
            return Err(CaseError::BadMove);
        }
        tx.execute(
            "INSERT INTO archive.session_addenda (session_id, at, by, text) VALUES (?1, ?2, ?3, ?4)",
            params![session_id, now_text(), self.stores.account, text],
        )?;
        self.audit_archive(&tx, "addendum", "session", session_id)?;
        tx.commit()?;
        Ok(())
    }

    pub fn sessions(&self, case_id: i64) -> Result<Vec<SessionNote>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT id, case_id, held_at, minutes, channel, main_problem, process, suggestions, effect, other, homework,
               homework_feedback, next_appointment, signed_at IS NOT NULL
             FROM archive.sessions WHERE case_id = ?1 ORDER BY held_at, id",
        )?;
        let rows = stmt
            .query_map([case_id], |r| {
                Ok(SessionNote {
                    id: r.get(0)?,
                    case_id: r.get(1)?,
                    held_at: r.get(2)?,
                    minutes: r.get(3)?,
                    channel: r.get(4)?,
                    main_problem: r.get(5)?,
                    process: r.get(6)?,
                    suggestions: r.get(7)?,
                    effect: r.get(8)?,
                    other: r.get(9)?,
                    homework: r.get(10)?,
                    homework_feedback: r.get(11)?,
                    next_appointment: r.get(12)?,
                    signed: r.get(13)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Keeps a draft inside the archive (encrypted like the rest), so a lock, a crash or a power
    /// cut loses seconds at most. Drafts are not audited one keystroke at a time.
    pub fn save_draft(&self, key: &str, body: &str) -> Result<(), StoreError> {
        self.stores.conn.execute(
            "INSERT INTO archive.drafts (key, body, saved_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
            params![key, body, now_text()],
        )?;
        Ok(())
    }

    pub fn draft(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .stores
            .conn
            .query_row("SELECT body FROM archive.drafts WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn clear_draft(&self, key: &str) -> Result<(), StoreError> {
        self.stores
            .conn
            .execute("DELETE FROM archive.drafts WHERE key = ?1", [key])?;
        Ok(())
    }

    /// A risk event (R18): keeps the case flagged until resolved.
    pub fn record_risk(
        &self,
        case_id: i64,
        level: &str,
        what: &str,
        measures: &str,
        notified: &str,
        why: &str,
    ) -> Result<i64, StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO archive.risk_events (case_id, at, level, what, measures, notified, why_disclosed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![case_id, now_text(), level, what, measures, notified, why],
        )?;
        let id = tx.last_insert_rowid();
        self.audit_archive(&tx, "create", "risk", id)?;
        self.index(&tx, "risk", id, case_id, &format!("{what}\n{measures}"))?;
        tx.commit()?;
        Ok(id)
    }

    pub fn resolve_risk(&self, id: i64) -> Result<(), StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE archive.risk_events SET resolved_at = ?1, resolved_by = ?2 WHERE id = ?3 AND resolved_at IS NULL",
            params![now_text(), self.stores.account, id],
        )?;
        self.audit_archive(&tx, "resolve", "risk", id)?;
        tx.commit()?;
        Ok(())
    }

    /// Unresolved risk events of a case: (id, level, what).
    pub fn open_risks(&self, case_id: i64) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT id, level, what FROM archive.risk_events WHERE case_id = ?1 AND resolved_at IS NULL ORDER BY id",
        )?;
        let rows = stmt
            .query_map([case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Cases with an unresolved risk event, most urgent level first: (case, client name, level).
    pub fn open_risk_cases(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT k.id, c.name, r.level FROM archive.risk_events r JOIN archive.cases k ON k.id = r.case_id
               JOIN archive.clients c ON c.id = k.client_id
             WHERE r.resolved_at IS NULL
             ORDER BY CASE r.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END, r.at",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Follow-ups not done and due by `by` (overdue ones stay until done): (case, client, due).
    pub fn follow_ups_due(&self, by: NaiveDate) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT k.id, c.name, f.due FROM archive.follow_ups f JOIN archive.cases k ON k.id = f.case_id
               JOIN archive.clients c ON c.id = k.client_id
             WHERE f.done_at IS NULL AND f.due <= ?1 ORDER BY f.due",
        )?;
        let rows = stmt
            .query_map([by.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Books the next session of a case into the duty book (a confirmed appointment with this
    /// counselor) and links it to the case in the archive, where a duty teacher cannot see it.
    /// The duty book shows time, student and counselor only.
    pub fn book_next_session(
        &self,
        case_id: i64,
        slot: crate::domain::appointment::Slot,
    ) -> Result<i64, crate::store::BookError> {
        use crate::store::FrontDesk;
        let (name, class, category): (String, String, String) = self.stores.conn.query_row(
            "SELECT c.name, c.grade || c.class, k.category FROM archive.cases k JOIN archive.clients c ON c.id = k.client_id
             WHERE k.id = ?1",
            [case_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let request = crate::store::Request {
            student_name: name,
            class,
            category,
            preferred: slot.start.format("%Y-%m-%d %H:%M").to_string(),
            channel: "face".into(),
            urgency: "normal".into(),
            way: "walk_in".into(),
            ..crate::store::Request::default()
        };
        let id = self.register_request(&request)?;
        let account = self.stores.account.clone();
        if let Err(e) = self.confirm_appointment(id, &account, slot, false) {
            // Not booked: the request stays, cancelled, so the book shows what happened.
            let _ = self.set_status(id, crate::domain::appointment::Status::Cancelled);
            return Err(e);
        }
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO archive.case_appointments (case_id, appointment_id) VALUES (?1, ?2)",
            params![case_id, id],
        )?;
        self.audit_archive(&tx, "book", "case", case_id)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(id)
    }

    /// Links a booked appointment to the student's open case, when the name finds exactly one
    /// client with a case not yet closed. The link lives in the archive: the duty book never
    /// learns that the student has a case.
    pub fn link_to_open_case(&self, appointment_id: i64, student_name: &str) -> Result<Option<i64>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT k.id FROM archive.cases k JOIN archive.clients c ON c.id = k.client_id
             WHERE c.name = ?1 AND k.stage NOT IN ('closed', 'follow_up') ORDER BY k.id DESC",
        )?;
        let cases: Vec<i64> = stmt
            .query_map([student_name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let [case_id] = cases.as_slice() else { return Ok(None) };
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO archive.case_appointments (case_id, appointment_id) VALUES (?1, ?2)",
            params![case_id, appointment_id],
        )?;
        self.audit_archive(&tx, "link_appointment", "case", *case_id)?;
        tx.commit()?;
        Ok(Some(*case_id))
    }

    /// The appointments linked to a case.
    pub fn case_appointments(&self, case_id: i64) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .stores
            .conn
            .prepare("SELECT appointment_id FROM archive.case_appointments WHERE case_id = ?1 ORDER BY 1")?;
        let rows = stmt.query_map([case_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Stores a completed scale with every answer (R21), for the case it was given in.
    pub fn record_scale_result(
        &self,
        case_id: i64,
        scale: &crate::domain::scales::Scale,
        answers: &[i64],
        result: &crate::domain::scales::Result,
    ) -> Result<i64, StoreError> {
        let band = result
            .band
            .and_then(|b| scale.bands.get(b))
            .map(|b| crate::domain::scales::text_in(&b.label, "zh-CN").to_owned());
        let risk = result
            .risk_items
            .iter()
            .map(|i| (i + 1).to_string())
            .collect::<Vec<_>>()
            .join(",");
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO archive.scale_results (case_id, scale_id, answers, raw, standard, band, risk_items, taken_at, given_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                case_id,
                scale.id,
                answers.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
                result.raw,
                result.standard,
                band.unwrap_or_default(),
                risk,
                now_text(),
                self.stores.account
            ],
        )?;
        let id = tx.last_insert_rowid();
        self.audit_archive(&tx, "create", "scale_result", id)?;
        tx.commit()?;
        Ok(id)
    }

    /// A client's scores per scale over all their cases, oldest first: scale id → [(when, score, band)].
    pub fn scale_history(&self, client_id: i64) -> Result<Vec<(String, Vec<(String, i64, String)>)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT r.scale_id, r.taken_at, COALESCE(r.standard, r.raw), r.band FROM archive.scale_results r
               JOIN archive.cases k ON k.id = r.case_id WHERE k.client_id = ?1 ORDER BY r.scale_id, r.id",
        )?;
        let rows: Vec<(String, String, i64, String)> = stmt
            .query_map([client_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let mut out: Vec<(String, Vec<(String, i64, String)>)> = Vec::new();
        for (scale, at, score, band) in rows {
            match out.last_mut() {
                Some((id, list)) if *id == scale => list.push((at, score, band)),
                _ => out.push((scale, vec![(at, score, band)])),
            }
        }
        Ok(out)
    }

    /// A case's scale results, oldest first: (when, scale id, raw, standard, band).
    pub fn scale_results(&self, case_id: i64) -> Result<Vec<(String, String, i64, Option<i64>, String)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT taken_at, scale_id, raw, standard, band FROM archive.scale_results WHERE case_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([case_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The audit rows about a case itself (views, changes, stage moves), oldest first:
    /// (when, account, action). R15: the counselor can read who did what to the record.
    pub fn case_audit(&self, case_id: i64) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT at, account, action FROM archive.audit WHERE entity = 'case' AND entity_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt
            .query_map([case_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// A referral (R19): to whom, why; the outcome comes later.
    pub fn add_referral(&self, case_id: i64, to_whom: &str, why: &str) -> Result<i64, StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO archive.referrals (case_id, at, to_whom, why) VALUES (?1, ?2, ?3, ?4)",
            params![case_id, now_text(), to_whom, why],
        )?;
        let id = tx.last_insert_rowid();
        self.audit_archive(&tx, "create", "referral", id)?;
        tx.commit()?;
        Ok(id)
    }

    /// Referrals of a case still without an outcome: (id, to whom).
    pub fn open_referrals(&self, case_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self
            .stores
            .conn
            .prepare("SELECT id, to_whom FROM archive.referrals WHERE case_id = ?1 AND outcome = '' ORDER BY id")?;
        let rows = stmt
            .query_map([case_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// What came of a referral (the hospital's answer, treatment, return to school).
    pub fn set_referral_outcome(&self, id: i64, outcome: &str) -> Result<(), StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE archive.referrals SET outcome = ?1 WHERE id = ?2",
            params![outcome, id],
        )?;
        self.audit_archive(&tx, "outcome", "referral", id)?;
        tx.commit()?;
        Ok(())
    }

    /// A follow-up (R11) is planned with a due date, and recorded when done.
    pub fn plan_follow_up(&self, case_id: i64, due: Option<NaiveDate>, method: &str) -> Result<i64, CaseError> {
        let due = due.ok_or(CaseError::NoDueDate)?;
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO archive.follow_ups (case_id, due, method) VALUES (?1, ?2, ?3)",
            params![case_id, due.to_string(), method],
        )?;
        let id = tx.last_insert_rowid();
        self.audit_archive(&tx, "create", "follow_up", id)?;
        tx.commit()?;
        Ok(id)
    }

    /// Follow-ups of a case not yet done: (id, due, method).
    pub fn open_follow_ups(&self, case_id: i64) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT id, due, method FROM archive.follow_ups WHERE case_id = ?1 AND done_at IS NULL ORDER BY due",
        )?;
        let rows = stmt
            .query_map([case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn complete_follow_up(&self, id: i64, result: &str) -> Result<(), StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE archive.follow_ups SET done_at = ?1, result = ?2 WHERE id = ?3",
            params![now_text(), result, id],
        )?;
        self.audit_archive(&tx, "complete", "follow_up", id)?;
        tx.commit()?;
        Ok(())
    }

    /// Everything that happened in a case, oldest first: (when, kind, text).
    pub fn timeline(&self, case_id: i64) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT at, 'stage', stage FROM archive.case_stages WHERE case_id = ?1
             UNION ALL SELECT held_at, 'session', main_problem FROM archive.sessions WHERE case_id = ?1
             UNION ALL SELECT h.at, 'goal', h.text || ' (' || h.status || ')' FROM archive.goal_history h
                 JOIN archive.goals g ON g.id = h.goal_id WHERE g.case_id = ?1
             UNION ALL SELECT at, 'risk', level || ': ' || what FROM archive.risk_events WHERE case_id = ?1
             UNION ALL SELECT gs.held_at, 'group', g.name || ' #' || gs.number
                     || CASE WHEN a.present THEN '' ELSE ' (-)' END
                 FROM archive.group_attendance a JOIN archive.group_sessions gs ON gs.id = a.group_session_id
                 JOIN archive.groups g ON g.id = gs.group_id
                 WHERE a.client_id = (SELECT client_id FROM archive.cases WHERE id = ?1)
             UNION ALL SELECT taken_at, 'scale', scale_id || ' ' || COALESCE(standard, raw) || ' ' || band
                 FROM archive.scale_results WHERE case_id = ?1
             UNION ALL SELECT at, 'referral', to_whom || CASE WHEN outcome = '' THEN '' ELSE ': ' || outcome END
                 FROM archive.referrals WHERE case_id = ?1
             UNION ALL SELECT due, 'follow_up', method || CASE WHEN done_at IS NULL THEN '' ELSE ': ' || result END
                 FROM archive.follow_ups WHERE case_id = ?1
             ORDER BY 1",
        )?;
        let rows = stmt
            .query_map([case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Searches names, notes, goals, plans and risk events. Two-character Chinese words use the
    /// bigram index; three characters and more the trigram index. Input is always quoted.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let q = query.trim();
        if q.chars().count() < 2 {
            return Ok(Vec::new());
        }
        let all_cjk = q.chars().all(crate::domain::names::is_cjk);
        let (table, matched) = if all_cjk && q.chars().count() == 2 {
            ("search_bi", phrase(q))
        } else {
            ("search_tri", phrase(q))
        };
        // Newest first: FTS5 walks its index in rowid order, so a common word costs no more than
        // the page of hits asked for (ranking every match would read them all).
        if table == "search_bi" {
            // The bigram table holds only its index: the text and what it belongs to are found by
            // the rowid both tables share, and the snippet is cut from the text.
            let rowids: Vec<i64> = {
                let mut stmt = self.stores.conn.prepare(
                    "SELECT rowid FROM archive.search_bi WHERE search_bi MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
                )?;
                stmt.query_map(params![matched, limit as i64], |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            };
            let mut hits = Vec::with_capacity(rowids.len());
            for row in rowids {
                let hit = self
                    .stores
                    .conn
                    .query_row(
                        "SELECT case_id, kind, ref, body FROM archive.search_tri WHERE rowid = ?1",
                        [row],
                        |r| {
                            Ok(SearchHit {
                                case_id: r.get(0)?,
                                kind: r.get(1)?,
                                reference: r.get(2)?,
                                snippet: snippet_around(&r.get::<_, String>(3)?, q),
                            })
                        },
                    )
                    .optional()?;
                hits.extend(hit);
            }
            return Ok(hits);
        }
        let mut stmt = self.stores.conn.prepare(
            "SELECT case_id, kind, ref, snippet(search_tri, 0, '[', ']', '…', 12) FROM archive.search_tri
             WHERE search_tri MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![matched, limit as i64], |r| {
                Ok(SearchHit {
                    case_id: r.get(0)?,
                    kind: r.get(1)?,
                    reference: r.get(2)?,
                    snippet: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

/// Up to a dozen characters either side of the first `word` in `text`, the word in brackets.
fn snippet_around(text: &str, word: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let needle: Vec<char> = word.chars().collect();
    let Some(at) = chars.windows(needle.len().max(1)).position(|w| w == needle.as_slice()) else {
        return String::new();
    };
    let start = at.saturating_sub(12);
    let end = (at + needle.len() + 12).min(chars.len());
    let before: String = chars[start..at].iter().collect();
    let after: String = chars[at + needle.len()..end].iter().collect();
    let lead = if start > 0 { "…" } else { "" };
    let tail = if end < chars.len() { "…" } else { "" };
    format!("{lead}{before}[{word}]{after}{tail}").replace('\n', " ")
}

/// Fills the bigram index again from the texts in the trigram table (after a migration).
pub(super) fn rebuild_bigrams(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    let mut read = conn.prepare("SELECT rowid, body FROM archive.search_tri")?;
    let rows: Vec<(i64, String)> = read
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut write = conn.prepare("INSERT INTO archive.search_bi (rowid, body) VALUES (?1, ?2)")?;
    for (row, body) in rows {
        write.execute(params![row, bigrams(&body)])?;
    }
    Ok(())
}

/// Inserts a new session note; returns its id.
fn insert_session(tx: &rusqlite::Connection, s: &SessionNote) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO archive.sessions (case_id, held_at, minutes, channel, main_problem, process, suggestions, effect,
           other, homework, homework_feedback, next_appointment, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        s.case_id,
        s.held_at,
        s.minutes,
        s.channel,
        s.main_problem,
        s.process,
        s.suggestions,
        s.effect,
        s.other,
        s.homework,
        s.homework_feedback,
        s.next_appointment,
        now_text()
    ])?;
    Ok(tx.last_insert_rowid())
}

/// What of a session note the search index holds.
fn session_text(s: &SessionNote) -> String {
    [
        &s.main_problem,
        &s.process,
        &s.suggestions,
        &s.effect,
        &s.other,
        &s.homework,
        &s.homework_feedback,
    ]
    .map(|x| x.as_str())
    .join("\n")
}
