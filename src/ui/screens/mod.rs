//! One module per screen: its state, its keys and its drawing.

pub mod book;
pub mod calendar;
pub mod clients;
pub mod duty_record;
pub mod groups;
pub mod login;
pub mod scale_run;
pub mod sections;
pub mod settings;
pub mod setup;
