//! Setting up a room, and the room's settings in the duty book (school, room name, lock time,
//! opening hours). Both `caseroom init` and the first-run screen call [`setup_room`], so the two
//! make exactly the same thing.

use super::{CounselorSession, DataDir, DutyBookAccess, Session, StoreError};
use crate::domain::hours::OpeningHours;
use crate::domain::rota::{ClosedDays, format_closed_days, parse_closed_days};
use crate::vault::{KeyRing, Password, RecoveryCode, VaultError};

pub const DEFAULT_LOCK_MINUTES: u32 = 5;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomSettings {
    pub school: String,
    pub room: String,
    pub lock_minutes: u32,
    pub hours: OpeningHours,
    /// Holidays and other days the room is closed (the school calendar).
    pub closed: Vec<ClosedDays>,
}

impl Default for RoomSettings {
    fn default() -> Self {
        RoomSettings {
            school: String::new(),
            room: String::new(),
            lock_minutes: DEFAULT_LOCK_MINUTES,
            hours: OpeningHours::default(),
            closed: Vec::new(),
        }
    }
}

pub struct NewRoom<'a> {
    pub counselor: &'a str,
    pub display_name: &'a str,
    pub password: &'a Password,
    pub lang: &'a str,
    pub settings: RoomSettings,
}

/// Creates the key ring and both stores in an empty directory. Stores first, key ring last: a
/// directory with a key ring is a finished room.
pub fn setup_room(dir: DataDir, new: NewRoom<'_>) -> Result<(CounselorSession, KeyRing, RecoveryCode), StoreError> {
    if KeyRing::load(dir.path()).is_ok() || !dir.is_empty() {
        return Err(VaultError::KeyRingExists.into());
    }
    let (ring, keys, code) = KeyRing::create(new.counselor, new.display_name, new.password, new.lang)?;
    let Session::Counselor(session) = Session::create(dir, keys)? else {
        return Err(StoreError::NotAllowedForRole);
    };
    session.audit_account("init", new.counselor)?;
    session.save_room_settings(&new.settings)?;
    ring.save(session.data_dir())?;
    Ok((session, ring, code))
}

pub(super) fn read(access: &(impl DutyBookAccess + ?Sized)) -> Result<RoomSettings, StoreError> {
    let defaults = RoomSettings::default();
    Ok(RoomSettings {
        school: access.setting("school")?.unwrap_or_default(),
        room: access.setting("room")?.unwrap_or_default(),
        lock_minutes: access
            .setting("lock_minutes")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(defaults.lock_minutes),
        hours: access
            .setting("opening_hours")?
            .and_then(|v| OpeningHours::from_text(&v))
            .unwrap_or(defaults.hours),
        closed: access
            .setting("closed_days")?
            .and_then(|v| parse_closed_days(&v, chrono::Local::now().date_naive()).ok())
            .unwrap_or_default(),
    })
}

impl CounselorSession {
    pub fn save_room_settings(&self, s: &RoomSettings) -> Result<(), StoreError> {
        let current = read(self)?;
        let pairs = [
            ("school", s.school.clone(), current.school),
            ("room", s.room.clone(), current.room),
            (
                "lock_minutes",
                s.lock_minutes.to_string(),
                current.lock_minutes.to_string(),
            ),
            ("opening_hours", s.hours.to_text(), current.hours.to_text()),
            (
                "closed_days",
                format_closed_days(&s.closed),
                format_closed_days(&current.closed),
            ),
        ];
        for (key, value, old) in pairs {
            if value != old || self.setting(key)?.is_none() {
                self.set_setting(key, &value)?;
            }
        }
        Ok(())
    }
}
