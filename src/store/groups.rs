//! Group counseling (团体辅导, R22): a group, its members, its sessions and who attended. One
//! group note serves every member; a member's case timeline shows the session and their own
//! attendance, never another member's name. Counselors only.

use rusqlite::params;

use super::{CounselorSession, StoreError, now_text};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub theme: String,
    pub leader: String,
    pub members: usize,
    pub sessions: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupSession {
    pub held_at: String,
    /// 初创 forming / 工作 working / 结束 ending.
    pub stage: String,
    pub activities: String,
    pub observations: String,
}

impl CounselorSession {
    pub fn create_group(&self, name: &str, theme: &str) -> Result<i64, StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO archive.groups (name, theme, leader, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, theme, self.stores.account, now_text()],
        )?;
        let id = tx.last_insert_rowid();
        super::audit::append(&tx, "archive", &self.stores.account, "create", "group", &id.to_string())?;
        tx.commit()?;
        Ok(id)
    }

    pub fn groups(&self) -> Result<Vec<Group>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT g.id, g.name, g.theme, g.leader,
                (SELECT count(*) FROM archive.group_members m WHERE m.group_id = g.id),
                (SELECT count(*) FROM archive.group_sessions s WHERE s.group_id = g.id)
             FROM archive.groups g ORDER BY g.id DESC",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Group {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    theme: r.get(2)?,
                    leader: r.get(3)?,
                    members: r.get::<_, i64>(4)? as usize,
                    sessions: r.get::<_, i64>(5)? as usize,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn add_member(&self, group_id: i64, client_id: i64) -> Result<(), StoreError> {
        let tx = self.stores.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO archive.group_members (group_id, client_id) VALUES (?1, ?2)",
            params![group_id, client_id],
        )?;
        super::audit::append(
            &tx,
            "archive",
            &self.stores.account,
            "add_member",
            "group",
            &group_id.to_string(),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Members: (client id, name).
    pub fn group_members(&self, group_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT c.id, c.name FROM archive.group_members m JOIN archive.clients c ON c.id = m.client_id
             WHERE m.group_id = ?1 ORDER BY c.initials, c.id",
        )?;
        let rows = stmt
            .query_map([group_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Records a group session with attendance: every member present except `absent` (client
    /// id and reason). Returns the session's number in the group.
    pub fn record_group_session(
        &self,
        group_id: i64,
        s: &GroupSession,
        absent: &[(i64, String)],
    ) -> Result<i64, StoreError> {
        let members = self.group_members(group_id)?;
        let tx = self.stores.conn.unchecked_transaction()?;
        let number: i64 = tx.query_row(
            "SELECT count(*) + 1 FROM archive.group_sessions WHERE group_id = ?1",
            [group_id],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO archive.group_sessions (group_id, number, held_at, stage, activities, observations, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![group_id, number, s.held_at, s.stage, s.activities, s.observations, now_text()],
        )?;
        let id = tx.last_insert_rowid();
        for (client, _) in &members {
            let reason = absent.iter().find(|(c, _)| c == client).map(|(_, r)| r.as_str());
            tx.execute(
                "INSERT INTO archive.group_attendance (group_session_id, client_id, present, reason) VALUES (?1, ?2, ?3, ?4)",
                params![id, client, reason.is_none(), reason.unwrap_or("")],
            )?;
        }
        super::audit::append(
            &tx,
            "archive",
            &self.stores.account,
            "create",
            "group_session",
            &id.to_string(),
        )?;
        tx.commit()?;
        Ok(number)
    }

    /// A group's sessions: (number, date, present count, member count).
    pub fn group_sessions(&self, group_id: i64) -> Result<Vec<(i64, String, i64, i64)>, StoreError> {
        let mut stmt = self.stores.conn.prepare(
            "SELECT s.number, s.held_at,
                (SELECT count(*) FROM archive.group_attendance a WHERE a.group_session_id = s.id AND a.present),
                (SELECT count(*) FROM archive.group_attendance a WHERE a.group_session_id = s.id)
             FROM archive.group_sessions s WHERE s.group_id = ?1 ORDER BY s.number",
        )?;
        let rows = stmt
            .query_map([group_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}
