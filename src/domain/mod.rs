//! Plain types and rules. No I/O, no SQL, no terminal.

pub mod appointment;
pub mod date;
pub mod hours;
pub mod roster;
pub mod rota;
