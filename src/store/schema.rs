//! Versioned migrations, one list per store. A migration is appended, never edited: an archive
//! written by an older caseroom must always open in a newer one.

/// The duty book (`dutybook.db`, the `main` schema): what duty teachers may see.
pub const DUTYBOOK: &[&str] = &[
    "
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE students (
    id INTEGER PRIMARY KEY,
    student_no TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_date TEXT,
    grade TEXT NOT NULL,
    class TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    student_name TEXT NOT NULL,
    class TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    preferred TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT 'face',
    urgency TEXT NOT NULL DEFAULT 'normal',
    counselor TEXT,
    starts_at TEXT,
    ends_at TEXT,
    status TEXT NOT NULL DEFAULT 'requested',
    registered_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE duty_records (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    shift TEXT NOT NULL,
    teacher TEXT NOT NULL,
    arrived_at TEXT,
    left_at TEXT,
    visitors TEXT NOT NULL DEFAULT '',
    contacts TEXT NOT NULL DEFAULT '',
    events TEXT NOT NULL DEFAULT '',
    handover TEXT NOT NULL DEFAULT '',
    room_locked INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
",
    "
ALTER TABLE appointments ADD COLUMN gender TEXT NOT NULL DEFAULT '';
ALTER TABLE appointments ADD COLUMN request_way TEXT NOT NULL DEFAULT 'walk_in';
ALTER TABLE appointments ADD COLUMN status_by TEXT;
ALTER TABLE appointments ADD COLUMN status_at TEXT;
CREATE INDEX appointments_starts ON appointments(starts_at);
CREATE INDEX appointments_status ON appointments(status);
CREATE UNIQUE INDEX duty_records_shift ON duty_records(date, shift);
CREATE TABLE rota (
    id INTEGER PRIMARY KEY,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    teacher TEXT NOT NULL
);
CREATE TABLE leave (
    id INTEGER PRIMARY KEY,
    teacher TEXT NOT NULL,
    date TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'requested',
    substitute TEXT,
    decided_by TEXT,
    decided_at TEXT,
    created_at TEXT NOT NULL
);
",
];

/// The case archive (`archive.db`, attached as `archive`): counselors only.
pub const ARCHIVE: &[&str] = &["
CREATE TABLE archive.clients (
    id INTEGER PRIMARY KEY,
    student_no TEXT,
    name TEXT NOT NULL,
    gender TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    grade TEXT NOT NULL DEFAULT '',
    class TEXT NOT NULL DEFAULT '',
    concern INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE archive.cases (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    stage TEXT NOT NULL DEFAULT 'intake',
    opened_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE TABLE archive.sessions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    held_at TEXT NOT NULL,
    minutes INTEGER NOT NULL DEFAULT 0,
    channel TEXT NOT NULL DEFAULT 'face',
    main_problem TEXT NOT NULL DEFAULT '',
    process TEXT NOT NULL DEFAULT '',
    suggestions TEXT NOT NULL DEFAULT '',
    effect TEXT NOT NULL DEFAULT '',
    other TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
", "
ALTER TABLE archive.clients ADD COLUMN initials TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN guardian TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN family TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN social TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN life_history TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN interests TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN recent TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN prior_counseling TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.clients ADD COLUMN updated_at TEXT;
CREATE INDEX archive.clients_name ON clients(name);
CREATE INDEX archive.clients_initials ON clients(initials);
ALTER TABLE archive.cases ADD COLUMN first_contact_at TEXT;
ALTER TABLE archive.cases ADD COLUMN agreement_at TEXT;
ALTER TABLE archive.cases ADD COLUMN agreement_terms TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN recording_consent INTEGER;
ALTER TABLE archive.cases ADD COLUMN guardian_consent_at TEXT;
ALTER TABLE archive.cases ADD COLUMN guardian_consent_by TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN methods TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN nature TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN duration TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN causes TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN severity TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN plan TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN review TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN ending TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN closing_summary TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.cases ADD COLUMN counselor TEXT NOT NULL DEFAULT '';
CREATE INDEX archive.cases_client ON cases(client_id);
CREATE TABLE archive.case_stages (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    stage TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL
);
CREATE TABLE archive.goals (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL
);
CREATE TABLE archive.goal_history (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals(id),
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL
);
ALTER TABLE archive.sessions ADD COLUMN homework TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.sessions ADD COLUMN homework_feedback TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.sessions ADD COLUMN next_appointment TEXT NOT NULL DEFAULT '';
ALTER TABLE archive.sessions ADD COLUMN signed_at TEXT;
ALTER TABLE archive.sessions ADD COLUMN signed_by TEXT;
CREATE INDEX archive.sessions_case ON sessions(case_id);
CREATE TABLE archive.session_addenda (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE archive.drafts (key TEXT PRIMARY KEY, body TEXT NOT NULL, saved_at TEXT NOT NULL);
CREATE TABLE archive.risk_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at TEXT NOT NULL,
    level TEXT NOT NULL,
    what TEXT NOT NULL,
    measures TEXT NOT NULL DEFAULT '',
    notified TEXT NOT NULL DEFAULT '',
    why_disclosed TEXT NOT NULL DEFAULT '',
    resolved_at TEXT,
    resolved_by TEXT
);
CREATE TABLE archive.referrals (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at TEXT NOT NULL,
    to_whom TEXT NOT NULL,
    why TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT ''
);
CREATE TABLE archive.follow_ups (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    due TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    done_at TEXT,
    result TEXT NOT NULL DEFAULT ''
);
CREATE VIRTUAL TABLE archive.search_tri USING fts5(body, kind UNINDEXED, ref UNINDEXED, case_id UNINDEXED, tokenize = 'trigram');
CREATE VIRTUAL TABLE archive.search_bi USING fts5(body, kind UNINDEXED, ref UNINDEXED, case_id UNINDEXED);
", "
CREATE TABLE archive.search_refs (
    kind TEXT NOT NULL,
    ref INTEGER NOT NULL,
    row INTEGER NOT NULL,
    PRIMARY KEY (kind, ref)
);
INSERT INTO archive.search_refs (kind, ref, row) SELECT kind, ref, rowid FROM archive.search_tri;
DROP TABLE archive.search_bi;
CREATE VIRTUAL TABLE archive.search_bi USING fts5(body, content = '', contentless_delete = 1);
", "
CREATE TABLE archive.case_appointments (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    appointment_id INTEGER NOT NULL,
    PRIMARY KEY (case_id, appointment_id)
);
", "
CREATE TABLE archive.groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT '',
    leader TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE archive.group_members (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    PRIMARY KEY (group_id, client_id)
);
CREATE TABLE archive.group_sessions (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    number INTEGER NOT NULL,
    held_at TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT '',
    activities TEXT NOT NULL DEFAULT '',
    observations TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE archive.group_attendance (
    group_session_id INTEGER NOT NULL REFERENCES group_sessions(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    present INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (group_session_id, client_id)
);
", "
CREATE TABLE archive.scale_results (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    scale_id TEXT NOT NULL,
    answers TEXT NOT NULL,
    raw INTEGER NOT NULL,
    standard INTEGER,
    band TEXT NOT NULL DEFAULT '',
    risk_items TEXT NOT NULL DEFAULT '',
    taken_at TEXT NOT NULL,
    given_by TEXT NOT NULL
);
CREATE INDEX archive.scale_results_case ON scale_results(case_id);
", "
CREATE TABLE archive.screenings (
    id INTEGER PRIMARY KEY,
    student_no TEXT NOT NULL,
    scale_id TEXT NOT NULL,
    answers TEXT NOT NULL,
    raw INTEGER NOT NULL,
    band TEXT NOT NULL DEFAULT '',
    risk INTEGER NOT NULL DEFAULT 0,
    concern INTEGER NOT NULL DEFAULT 0,
    invited_at TEXT,
    outcome TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL
);
CREATE INDEX archive.screenings_concern ON screenings(concern, invited_at);
"];

/// Archive versions before this one need their bigram index filled again from the text (by Rust:
/// SQL cannot cut text into bigrams).
pub const ARCHIVE_BIGRAMS_REBUILT_AT: usize = 3;
