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
"];
