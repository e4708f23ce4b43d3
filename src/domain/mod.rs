//! Plain types and rules. No I/O, no SQL, no terminal.

pub mod appointment;
pub mod case;
pub mod date;
pub mod hours;
pub mod names;
pub mod roster;
pub mod rota;
pub mod scales;
pub mod screening;
