//! The data directory: created private (0700), and held with an exclusive lock so that a second
//! caseroom on the same directory is refused instead of writing beside the first.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::StoreError;

pub const LOCK_FILE: &str = "caseroom.lock";

#[derive(Debug)]
pub struct DataDir {
    path: PathBuf,
    _lock: File,
}

impl DataDir {
    /// Opens `path`, creating it if needed, and takes the lock; fails with
    /// [`StoreError::InUse`] while another process holds it.
    pub fn open(path: &Path) -> Result<DataDir, StoreError> {
        if !path.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(path)?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let lock = options.open(path.join(LOCK_FILE))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::InUse),
            Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
        }
        Ok(DataDir {
            path: path.to_path_buf(),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when the directory holds nothing of caseroom's but (maybe) the lock file.
    pub fn is_empty(&self) -> bool {
        std::fs::read_dir(&self.path)
            .map(|entries| entries.flatten().all(|e| e.file_name() == LOCK_FILE))
            .unwrap_or(false)
    }
}
