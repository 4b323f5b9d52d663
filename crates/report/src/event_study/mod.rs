//! Event studies (MacKinlay 1997, "Event Studies in Economics and Finance", J. Econ. Lit. 35):
//! the market model fitted by OLS over an estimation window before each event, abnormal returns
//! over an event window, their cross-sectional average (AAR) and cumulative average (CAAR) with
//! t-statistics from the cross-section of events.
//!
//! The input is plain data (timestamps, close prices per symbol, benchmark closes, event day
//! indices); the crate knows nothing of markets or feeds. Day 0 of an event is the first session
//! whose close is after the event (the caller computes it).
//!
//! Invariant: nothing here panics on any input; an undefined statistic (fewer than two events,
//! zero dispersion) is `None`, and events whose estimation window is incomplete or degenerate
//! are excluded and counted, never silently averaged in.

mod model;
mod render;
mod robust;

pub use model::{
    event_study, event_study_in, DayRow, EventOutcome, EventStudyInput, EventWindows, GroupStudy,
    StudyEvent, StudyGroup, FEW_EVENTS,
};
pub use render::EventStudyReport;

#[cfg(test)]
mod tests;
