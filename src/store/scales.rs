//! Where scale definitions come from: the ones shipped in `assets/scales/`, then any the school
//! put in the data directory's `scales/` folder (same id: the school's wins). A file that does not
//! load is reported with its name and where it is wrong; the others load.

use std::path::Path;

use crate::domain::scales::{Scale, ScaleError, builtin};

pub const SCALES_DIR: &str = "scales";

#[derive(Debug, Default)]
pub struct Loaded {
    pub scales: Vec<Scale>,
    /// (file name, what is wrong)
    pub problems: Vec<(String, ScaleError)>,
}

pub fn load_scales(data_dir: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let add = |name: String, text: &str, loaded: &mut Loaded| match Scale::parse(text) {
        Ok(scale) => {
            loaded.scales.retain(|s| s.id != scale.id);
            loaded.scales.push(scale);
        }
        Err(e) => loaded.problems.push((name, e)),
    };
    for (name, text) in builtin() {
        add(name.to_owned(), text, &mut loaded);
    }
    let mut files: Vec<_> = std::fs::read_dir(data_dir.join(SCALES_DIR))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match std::fs::read_to_string(&path) {
            Ok(text) => add(name, &text, &mut loaded),
            Err(e) => loaded.problems.push((
                name,
                ScaleError {
                    line: None,
                    field: String::new(),
                    problem: e.to_string(),
                },
            )),
        }
    }
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_school_file_is_reported_and_the_rest_load() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(SCALES_DIR)).unwrap();
        std::fs::write(dir.path().join("scales/broken.json"), "{\n \"id\": \"x\",\n}").unwrap();
        let own = builtin()[1].1.replace("\"id\": \"gad7\"", "\"id\": \"school7\"");
        std::fs::write(dir.path().join("scales/school7.json"), own).unwrap();
        let loaded = load_scales(dir.path());
        let ids: Vec<&str> = loaded.scales.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["phq9", "gad7", "school7"]);
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].0, "broken.json");
        assert_eq!(loaded.problems[0].1.line, Some(3));
    }
}
