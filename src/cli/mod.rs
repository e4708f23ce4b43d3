//! The command-line verbs: scripting, recovery and tests. Each asks for the acting account's
//! password on the terminal (no echo), or reads it from standard input with `--password-stdin`.

pub mod failure;
pub mod secrets;

use std::io::Read;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use rust_i18n::t;

pub use failure::{Context, from_backup, from_store, from_vault};
pub use failure::{EXIT_DAMAGED, EXIT_LOGIN, EXIT_OTHER, EXIT_ROLE, EXIT_USAGE, Failure};
use secrets::Secrets;

use crate::store::{self, CounselorSession, DataDir, Session};
use crate::vault::{KeyRing, RecoveryCode, Role, VaultError, failed_login_delay};

#[derive(Parser, Debug)]
#[command(
    name = "caseroom",
    version,
    about = "caseroom: the school counseling room (心理辅导室) on an encrypted archive"
)]
pub struct Cli {
    /// The data directory (default: the platform's data directory for caseroom)
    #[arg(long, global = true, env = "CASEROOM_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The account that acts
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// Read the password from standard input's first line (a new password from the next)
    #[arg(long, global = true)]
    pub password_stdin: bool,
    /// The language of messages
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub verb: Option<Verb>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Lang {
    #[value(name = "zh-CN")]
    ZhCn,
    #[value(name = "en")]
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Verb {
    /// Set up a new room: the key ring, both stores, the first counselor and the recovery code
    Init {
        #[arg(long, value_name = "NAME")]
        counselor: String,
        #[arg(long, value_name = "TEXT")]
        display_name: Option<String>,
    },
    /// Staff accounts
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Import data
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// What this account may see: accounts, counts, audit rows, last backup
    Status,
    /// Check encryption, integrity and the audit chains of every store this account can open
    Verify,
    /// Write one encrypted backup file of both stores and the key ring
    Backup {
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Restore a backup file into an empty data directory
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Set a counselor's new password with the recovery code (`--code -` asks for it, or reads
    /// it from standard input's first line, so that it never shows in the process list)
    Recover {
        #[arg(long, value_name = "CODE")]
        code: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum StaffAction {
    /// Add an account
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: StaffRole,
        #[arg(long, value_name = "TEXT")]
        display_name: Option<String>,
    },
    /// List the accounts
    List,
    /// Remove an account and replace every key it could use
    Remove { name: String },
    /// Change a password: your own (old, then new), or as a counselor another account's (new)
    Passwd { name: String },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StaffRole {
    Duty,
    Counselor,
}

#[derive(Subcommand, Debug)]
pub enum ImportWhat {
    /// The school roster: student_no,name,gender,birth_date,grade,class (or 学号,姓名,性别,出生日期,年级,班级)
    Students { file: PathBuf },
    /// A screening (心理普查): 学号/student_no plus one column per item with the answer's value
    Screening {
        file: PathBuf,
        /// The scale's id (phq9, gad7, or a school's own)
        #[arg(long)]
        scale: String,
        /// Students from this band on (counting from 1) are of concern; a risk item always is
        #[arg(long, default_value_t = 3)]
        from_band: usize,
    },
}

/// Everything a verb needs: where, who, and how passwords arrive.
pub struct Run {
    pub dir: PathBuf,
    pub user: Option<String>,
    secrets: Secrets,
}

impl Run {
    pub fn new(cli: &Cli) -> Result<Run, Failure> {
        let secrets = if cli.password_stdin {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|_| Failure::usage(t!("cli.no_password_line")))?;
            Secrets::from_stdin(text)
        } else {
            Secrets::terminal()
        };
        Ok(Run {
            dir: cli.data_dir.clone().unwrap_or_else(store::default_data_dir),
            user: cli.user.clone(),
            secrets,
        })
    }

    fn cx<'a>(&'a self, user: &'a str) -> Context<'a> {
        Context { user, dir: &self.dir }
    }

    fn open_dir(&self) -> Result<DataDir, Failure> {
        DataDir::open(&self.dir).map_err(|e| from_store(e, &self.cx("")))
    }

    fn load_ring(&self) -> Result<KeyRing, Failure> {
        KeyRing::load(&self.dir).map_err(|e| from_vault(e, &self.cx("")))
    }

    /// Which account acts: `--user`, or the only account there is.
    fn acting_user(&self, ring: &KeyRing) -> Result<String, Failure> {
        match (&self.user, ring.accounts.as_slice()) {
            (Some(user), _) => Ok(user.clone()),
            (None, [only]) => Ok(only.name.clone()),
            (None, _) => Err(Failure::usage(t!("cli.need_user"))),
        }
    }

    /// Logs in and opens the stores for the acting account.
    pub fn login(&mut self) -> Result<(Session, KeyRing), Failure> {
        let dir = self.open_dir()?;
        let mut ring = self.load_ring()?;
        let user = self.acting_user(&ring)?;
        if ring.entry(&user).is_none() {
            return Err(from_vault(VaultError::UnknownAccount, &self.cx(&user)));
        }
        let wait = ring.wait_before_login(&user, chrono::Utc::now());
        if !wait.is_zero() {
            eprintln!("{}", t!("cli.waiting", secs = wait.as_secs_f64().ceil() as u64));
            std::thread::sleep(wait);
        }
        let password = self.secrets.password(&t!("cli.prompt_password", user = user))?;
        let result = ring.unlock(&user, &password, chrono::Utc::now());
        ring.save(&self.dir).map_err(|e| from_vault(e, &self.cx(&user)))?;
        let keys = match result {
            Ok(keys) => keys,
            Err(VaultError::WrongPassword) => {
                let count = ring.entry(&user).map(|e| e.failed.count).unwrap_or(1);
                return Err(Failure::new(
                    EXIT_LOGIN,
                    t!(
                        "cli.wrong_password",
                        user = user,
                        secs = failed_login_delay(count).as_secs()
                    ),
                ));
            }
            Err(e) => return Err(from_vault(e, &self.cx(&user))),
        };
        let session = Session::open(dir, keys, &mut ring).map_err(|e| from_store(e, &self.cx(&user)))?;
        Ok((session, ring))
    }

    fn login_counselor(&mut self) -> Result<(CounselorSession, KeyRing), Failure> {
        match self.login()? {
            (Session::Counselor(s), ring) => Ok((s, ring)),
            (Session::Duty(_), _) => Err(Failure::new(EXIT_ROLE, t!("cli.not_allowed"))),
        }
    }
}

/// Runs a verb; `None` is the interface, which `main` hands to `ui`.
pub fn run(cli: &Cli, verb: &Verb) -> Result<(), Failure> {
    let mut run = Run::new(cli)?;
    match verb {
        Verb::Init {
            counselor,
            display_name,
        } => init(&mut run, counselor, display_name.as_deref(), cli.lang),
        Verb::Staff { action } => staff(&mut run, action),
        Verb::Import {
            what: ImportWhat::Screening { file, scale, from_band },
        } => import_screening(&mut run, file, scale, *from_band),
        Verb::Import {
            what: ImportWhat::Students { file },
        } => import_students(&mut run, file),
        Verb::Status => status(&mut run),
        Verb::Verify => verify(&mut run),
        Verb::Backup { to } => backup(&mut run, to),
        Verb::Restore { from } => restore(&mut run, from),
        Verb::Recover { code } => recover(&mut run, code),
    }
}

fn init(run: &mut Run, counselor: &str, display_name: Option<&str>, lang: Option<Lang>) -> Result<(), Failure> {
    let dir = run.open_dir()?;
    if KeyRing::load(&run.dir).is_ok() || !dir.is_empty() {
        return Err(from_vault(VaultError::KeyRingExists, &run.cx(counselor)));
    }
    if !crate::vault::valid_name(counselor) {
        return Err(Failure::usage(t!("cli.bad_name")));
    }
    let password = run.secrets.new_password(counselor)?;
    let new = store::NewRoom {
        counselor,
        display_name: display_name.unwrap_or(counselor),
        password: &password,
        lang: lang.map(Lang::code).unwrap_or("zh-CN"),
        settings: store::RoomSettings::default(),
    };
    let (_session, _ring, code) = store::setup_room(dir, new).map_err(|e| from_store(e, &run.cx(counselor)))?;
    println!(
        "{}",
        t!("cli.init_done", dir = run.dir.display().to_string(), user = counselor)
    );
    println!("{}", t!("cli.recovery_code_line", code = code.expose()));
    eprintln!("{}", t!("cli.recovery_warning"));
    Ok(())
}

fn role_label(role: Role) -> String {
    match role {
        Role::Counselor | Role::Recovery => t!("cli.role_counselor").into_owned(),
        Role::Duty => t!("cli.role_duty").into_owned(),
    }
}

fn staff(run: &mut Run, action: &StaffAction) -> Result<(), Failure> {
    match action {
        StaffAction::List => {
            let (session, ring) = run.login()?;
            println!("{}", t!("cli.staff_header"));
            for e in &ring.accounts {
                println!("{}\t{}\t{}", e.name, role_label(e.role), e.display_name);
            }
            if let Session::Counselor(s) = &session {
                for name in ring.tampered(s.grant()).map_err(|e| from_vault(e, &run.cx("")))? {
                    println!("{}", t!("cli.verify_tampered", user = name));
                }
            }
            Ok(())
        }
        StaffAction::Add {
            name,
            role,
            display_name,
        } => {
            let (session, mut ring) = run.login_counselor()?;
            let role = match role {
                StaffRole::Duty => Role::Duty,
                StaffRole::Counselor => Role::Counselor,
            };
            if ring.entry(name).is_some() {
                return Err(from_vault(VaultError::AccountExists, &run.cx(name)));
            }
            let password = run.secrets.new_password(name)?;
            session
                .add_account(
                    &mut ring,
                    name,
                    display_name.as_deref().unwrap_or(name),
                    role,
                    &password,
                )
                .map_err(|e| from_store(e, &run.cx(name)))?;
            println!("{}", t!("cli.staff_added", user = name, role = role_label(role)));
            Ok(())
        }
        StaffAction::Remove { name } => {
            let (mut session, mut ring) = run.login_counselor()?;
            let role = session
                .remove_account(&mut ring, name)
                .map_err(|e| from_store(e, &run.cx(name)))?;
            let stores = role.keys().iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
            println!("{}", t!("cli.staff_removed", user = name, stores = stores));
            Ok(())
        }
        StaffAction::Passwd { name } => {
            let acting = {
                let ring = run.load_ring()?;
                run.acting_user(&ring)?
            };
            if &acting == name {
                let _dir = run.open_dir()?;
                let mut ring = run.load_ring()?;
                let old = run.secrets.password(&t!("cli.prompt_password", user = name))?;
                let new = run.secrets.new_password(name)?;
                let result = ring.change_password(name, &old, &new, chrono::Utc::now());
                ring.save(&run.dir).map_err(|e| from_vault(e, &run.cx(name)))?;
                result.map_err(|e| from_vault(e, &run.cx(name)))?;
            } else {
                let (session, mut ring) = run.login_counselor()?;
                let new = run.secrets.new_password(name)?;
                session
                    .reset_password(&mut ring, name, &new)
                    .map_err(|e| from_store(e, &run.cx(name)))?;
            }
            println!("{}", t!("cli.password_changed", user = name));
            Ok(())
        }
    }
}

fn import_students(run: &mut Run, file: &std::path::Path) -> Result<(), Failure> {
    let (mut session, _ring) = run.login_counselor()?;
    let bytes =
        std::fs::read(file).map_err(|e| Failure::new(EXIT_OTHER, t!("cli.io_error", detail = e.to_string())))?;
    match crate::domain::roster::parse(&bytes) {
        Ok(rows) => {
            let report = session.import_students(&rows).map_err(|e| from_store(e, &run.cx("")))?;
            println!(
                "{}",
                t!("cli.import_done", added = report.added, updated = report.updated)
            );
            Ok(())
        }
        Err(errors) => {
            for e in &errors {
                eprintln!(
                    "{}",
                    t!(
                        "cli.import_row",
                        line = e.line,
                        problem = describe_row_problem(&e.problem)
                    )
                );
            }
            Err(Failure::new(EXIT_OTHER, t!("cli.import_failed", count = errors.len())))
        }
    }
}

fn import_screening(run: &mut Run, file: &std::path::Path, scale_id: &str, from_band: usize) -> Result<(), Failure> {
    let (session, _ring) = run.login_counselor()?;
    let loaded = crate::store::scales::load_scales(&run.dir);
    let scale = loaded
        .scales
        .iter()
        .find(|s| s.id == scale_id)
        .ok_or_else(|| Failure::usage(t!("cli.no_such_scale", scale = scale_id)))?;
    let bytes =
        std::fs::read(file).map_err(|e| Failure::new(EXIT_OTHER, t!("cli.io_error", detail = e.to_string())))?;
    use crate::domain::screening::ScreeningProblem as P;
    let rows = crate::domain::screening::parse(&bytes, scale).map_err(|problems| {
        for p in &problems {
            let text = match p {
                P::NoStudentColumn => t!("cli.screening_no_student_column").into_owned(),
                P::ItemColumns { found, needed } => {
                    t!("cli.screening_items", found = found, needed = needed).into_owned()
                }
                P::Row { line, problem } => t!("cli.import_row", line = line, problem = problem).into_owned(),
            };
            eprintln!("{text}");
        }
        Failure::new(EXIT_OTHER, t!("cli.import_failed", count = problems.len()))
    })?;
    let report = session
        .import_screening(scale, &rows, from_band.saturating_sub(1))
        .map_err(|e| from_store(e, &run.cx("")))?;
    println!(
        "{}",
        t!(
            "cli.screening_done",
            imported = report.imported,
            concern = report.of_concern
        )
    );
    if !report.unmatched.is_empty() {
        println!(
            "{}",
            t!(
                "cli.screening_unmatched",
                count = report.unmatched.len(),
                list = report.unmatched.join(", ")
            )
        );
    }
    Ok(())
}

pub fn describe_row_problem(problem: &crate::domain::roster::RowProblem) -> String {
    use crate::domain::roster::RowProblem as P;
    match problem {
        P::MissingColumn(c) => t!("cli.row_missing_column", column = c).into_owned(),
        P::Empty(c) => t!("cli.row_empty", column = c).into_owned(),
        P::BadGender(v) => t!("cli.row_bad_gender", value = v).into_owned(),
        P::BadDate(v) => t!("cli.row_bad_date", value = v).into_owned(),
        P::Duplicate { first_line } => t!("cli.row_duplicate", line = first_line).into_owned(),
        P::Unreadable => t!("cli.row_unreadable").into_owned(),
    }
}

fn status(run: &mut Run) -> Result<(), Failure> {
    let (session, ring) = run.login()?;
    let access = session.access();
    let s = access.status().map_err(|e| from_store(e, &run.cx("")))?;
    println!(
        "{}",
        t!(
            "cli.status_account",
            user = access.account(),
            role = role_label(session.role())
        )
    );
    println!("{}", t!("cli.status_accounts", count = ring.accounts.len()));
    println!("{}", t!("cli.status_students", count = s.students));
    if let (Some(clients), Some(cases), Some(sessions)) = (s.clients, s.cases, s.sessions) {
        println!("{}", t!("cli.status_clients", count = clients));
        println!("{}", t!("cli.status_cases", count = cases));
        println!("{}", t!("cli.status_sessions", count = sessions));
    }
    println!("{}", t!("cli.status_appointments", count = s.appointments));
    println!("{}", t!("cli.status_duty_records", count = s.duty_records));
    match s.archive_audit {
        Some(archive) => println!(
            "{}",
            t!("cli.status_audit", dutybook = s.dutybook_audit, archive = archive)
        ),
        None => println!("{}", t!("cli.status_audit_duty", dutybook = s.dutybook_audit)),
    }
    let never = t!("cli.status_never").into_owned();
    println!(
        "{}",
        t!("cli.status_last_backup", when = s.last_backup.unwrap_or(never))
    );
    Ok(())
}

fn verify(run: &mut Run) -> Result<(), Failure> {
    let (session, ring) = run.login()?;
    let checks = session.access().verify().map_err(|e| from_store(e, &run.cx("")))?;
    let mut ok = true;
    for check in &checks {
        let file = check.store.file();
        for problem in &check.problems {
            println!("{}", t!("cli.verify_problem", file = file, problem = problem));
        }
        match check.audit {
            Ok(rows) if check.problems.is_empty() => {
                println!("{}", t!("cli.verify_ok", file = file, rows = rows))
            }
            Ok(_) => {}
            Err(row) => println!("{}", t!("cli.verify_chain_broken", file = file, row = row)),
        }
        ok &= check.holds();
    }
    if let Session::Counselor(s) = &session {
        for name in ring.tampered(s.grant()).map_err(|e| from_vault(e, &run.cx("")))? {
            println!("{}", t!("cli.verify_tampered", user = name));
            ok = false;
        }
    }
    if ok {
        Ok(())
    } else {
        Err(Failure::new(EXIT_DAMAGED, t!("cli.verify_failed")))
    }
}

fn backup(run: &mut Run, to: &std::path::Path) -> Result<(), Failure> {
    let (session, _ring) = run.login_counselor()?;
    session.backup_to(to).map_err(|e| from_backup(e, &run.cx("")))?;
    println!("{}", t!("cli.backup_done", file = to.display().to_string()));
    Ok(())
}

fn restore(run: &mut Run, from: &std::path::Path) -> Result<(), Failure> {
    {
        let dir = run.open_dir()?;
        store::restore_backup(from, &dir).map_err(|e| from_backup(e, &run.cx("")))?;
    }
    // Prove it: log in with the restored key ring and verify every store this account opens.
    let result = verify(run);
    result?;
    println!("{}", t!("cli.restore_done", dir = run.dir.display().to_string()));
    Ok(())
}

fn recover(run: &mut Run, code: &str) -> Result<(), Failure> {
    let typed = if code == "-" {
        Some(run.secrets.password(&t!("cli.prompt_recovery_code"))?)
    } else {
        None
    };
    let code = typed.as_ref().map(|p| p.expose()).unwrap_or(code);
    let code = RecoveryCode::parse(code).ok_or_else(|| Failure::usage(t!("cli.bad_recovery_code")))?;
    let dir = run.open_dir()?;
    let mut ring = run.load_ring()?;
    let user = run.acting_user(&ring)?;
    let entry = ring
        .entry(&user)
        .ok_or_else(|| from_vault(VaultError::UnknownAccount, &run.cx(&user)))?;
    if entry.role != Role::Counselor {
        return Err(Failure::new(EXIT_ROLE, t!("cli.not_allowed")));
    }
    let result = ring.unlock_recovery(&code, chrono::Utc::now());
    ring.save(&run.dir).map_err(|e| from_vault(e, &run.cx(&user)))?;
    let keys = result.map_err(|e| from_vault(e, &run.cx(&user)))?;
    let new = run.secrets.new_password(&user)?;
    {
        let grant = keys.grant().map_err(|e| from_vault(e, &run.cx(&user)))?;
        ring.reset_password(grant, &user, &new)
            .map_err(|e| from_vault(e, &run.cx(&user)))?;
    }
    ring.save(&run.dir).map_err(|e| from_vault(e, &run.cx(&user)))?;
    if let Session::Counselor(s) = Session::open(dir, keys, &mut ring).map_err(|e| from_store(e, &run.cx(&user)))? {
        s.audit_account("recover", &user)
            .map_err(|e| from_store(e, &run.cx(&user)))?;
    }
    println!("{}", t!("cli.recovered", user = user));
    Ok(())
}
