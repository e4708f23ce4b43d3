//! Widgets the screens share.

pub mod form;
