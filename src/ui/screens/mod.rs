//! One module per screen: its state, its keys and its drawing.

pub mod login;
pub mod sections;
pub mod settings;
pub mod setup;
