//! The duty book on real SQLCipher files: the overlap rule, opening hours, the request status
//! flow, duty records and handover, leave and substitutes (R12, R13, R23, R24).

mod common;

use caseroom::domain::appointment::{Slot, Status};
use caseroom::store::{BookError, DutyRecord, FrontDesk, Request, RotaEntry, Session};
use chrono::{NaiveDate, NaiveTime};
use common::*;

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn at(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn request(name: &str) -> Request {
    Request {
        student_name: name.into(),
        class: "初二(3)班".into(),
        category: "emotion".into(),
        channel: "face".into(),
        urgency: "normal".into(),
        way: "walk_in".into(),
        ..Request::default()
    }
}

fn counselor(room: &Room) -> caseroom::store::CounselorSession {
    match open_session(&room.dir, COUNSELOR, COUNSELOR_PW) {
        Session::Counselor(s) => s,
        Session::Duty(_) => panic!("a counselor"),
    }
}

#[test]
fn overlaps_with_the_same_counselor_are_refused_and_hours_are_checked() {
    let room = Room::new();
    let s = counselor(&room);
    let a = s.register_request(&request("欧阳璟珩")).unwrap();
    let b = s.register_request(&request("司马翊蕤")).unwrap();
    let c = s.register_request(&request("诸葛骞翮")).unwrap();
    s.confirm_appointment(a, "wang", Slot::new(monday(), at(12, 0), 40), false)
        .unwrap();
    // Overlapping the same counselor: refused, and the request stays open.
    let err = s
        .confirm_appointment(b, "wang", Slot::new(monday(), at(12, 30), 30), false)
        .unwrap_err();
    assert!(matches!(err, BookError::Overlap(id) if id == a), "{err:?}");
    assert_eq!(s.appointment(b).unwrap().unwrap().status, Status::Requested);
    // Another counselor at the same time is fine; touching the end is fine.
    s.confirm_appointment(b, "zhao", Slot::new(monday(), at(12, 30), 30), false)
        .unwrap();
    // Outside the opening hours (Monday 12:00-13:00, 16:50-17:30): a warning, unless confirmed.
    let err = s
        .confirm_appointment(c, "wang", Slot::new(monday(), at(14, 0), 30), false)
        .unwrap_err();
    assert!(matches!(err, BookError::OutsideHours), "{err:?}");
    s.confirm_appointment(c, "wang", Slot::new(monday(), at(12, 40), 20), false)
        .unwrap();
    let day = s.appointments_between(monday(), monday().succ_opt().unwrap()).unwrap();
    let names: Vec<&str> = day.iter().map(|a| a.request.student_name.as_str()).collect();
    assert_eq!(names, ["欧阳璟珩", "司马翊蕤", "诸葛骞翮"]);
    // A cancelled appointment frees its slot.
    s.set_status(a, Status::Cancelled).unwrap();
    let d = s.register_request(&request("上官鹂琦")).unwrap();
    s.confirm_appointment(d, "wang", Slot::new(monday(), at(12, 0), 40), false)
        .unwrap();
}

#[test]
fn the_request_status_flow_records_who_and_is_audited() {
    let room = Room::new();
    let duty = open_session(&room.dir, DUTY, DUTY_PW);
    let id = duty.access().register_request(&request("慕容瑾瑜")).unwrap();
    assert!(matches!(
        duty.access().set_status(id, Status::Attended),
        Err(BookError::BadTransition)
    ));
    assert_eq!(duty.access().open_requests().unwrap().len(), 1);
    drop(duty);

    let s = counselor(&room);
    s.confirm_appointment(id, "wang", Slot::new(monday(), at(16, 50), 40), false)
        .unwrap();
    assert!(s.open_requests().unwrap().is_empty());
    // 改: back to requested frees the slot; then confirmed again and attended.
    s.set_status(id, Status::Requested).unwrap();
    assert!(s.appointment(id).unwrap().unwrap().slot.is_none());
    s.confirm_appointment(id, "wang", Slot::new(monday(), at(12, 0), 40), false)
        .unwrap();
    s.set_status(id, Status::Attended).unwrap();
    assert!(matches!(
        s.set_status(id, Status::Cancelled),
        Err(BookError::BadTransition)
    ));
    drop(s);
    let out = room.as_counselor(&["verify"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = room.as_counselor(&["status"]);
    assert!(text(&out).contains("appointments: 1"), "{}", text(&out));
}

#[test]
fn duty_records_keep_the_handover_for_the_next_shift() {
    let room = Room::new();
    let duty = open_session(&room.dir, DUTY, DUTY_PW);
    let desk = duty.access();
    let mut record = DutyRecord {
        date: monday(),
        shift: "12:00-13:00".into(),
        teacher: "li".into(),
        arrived: Some(at(11, 55)),
        left: Some(at(11, 0)),
        visitors: "欧阳璟珩 初二(3)班".into(),
        handover: "明天提醒王老师回电家长".into(),
        room_locked: true,
        ..DutyRecord::default()
    };
    assert!(matches!(
        desk.save_duty_record(&record),
        Err(BookError::LeftBeforeArrived)
    ));
    record.left = Some(at(13, 5));
    desk.save_duty_record(&record).unwrap();
    record.events = "无".into();
    desk.save_duty_record(&record).unwrap();
    assert_eq!(desk.duty_record(monday(), "12:00-13:00").unwrap().unwrap(), record);
    let tuesday = monday().succ_opt().unwrap();
    let (date, teacher, text) = desk.last_handover_before(tuesday).unwrap().unwrap();
    assert_eq!(
        (date, teacher.as_str(), text.as_str()),
        (monday(), "li", "明天提醒王老师回电家长")
    );
    assert!(desk.last_handover_before(monday()).unwrap().is_none());
}

#[test]
fn approved_leave_puts_the_substitute_on_duty() {
    let room = Room::new();
    let s = counselor(&room);
    s.set_rota(&[
        RotaEntry {
            weekday: 0,
            starts: at(12, 0),
            ends: at(13, 0),
            teacher: "li".into(),
        },
        RotaEntry {
            weekday: 1,
            starts: at(12, 0),
            ends: at(13, 0),
            teacher: "zhou".into(),
        },
    ])
    .unwrap();
    drop(s);
    let duty = open_session(&room.dir, DUTY, DUTY_PW);
    let leave = duty.access().ask_leave(monday(), "外出培训").unwrap();
    assert_eq!(
        duty.access().on_duty(monday()).unwrap()[0].teacher,
        "li",
        "not yet approved"
    );
    drop(duty);
    let s = counselor(&room);
    assert_eq!(s.pending_leave().unwrap().len(), 1);
    s.decide_leave(leave, true, Some("zhou")).unwrap();
    assert!(
        matches!(s.decide_leave(leave, false, None), Err(BookError::NotFound)),
        "decided once"
    );
    let on_duty = s.on_duty(monday()).unwrap();
    assert_eq!(on_duty.len(), 1);
    assert_eq!(on_duty[0].teacher, "zhou");
    assert_eq!(s.on_duty(monday().succ_opt().unwrap()).unwrap()[0].teacher, "zhou");
}

/// A booking for a student with an open case is linked to the case, in the archive only.
#[test]
fn a_confirmed_booking_links_to_the_students_open_case() {
    let room = Room::new();
    let s = counselor(&room);
    let client = s
        .register_client(&caseroom::store::Client {
            name: "欧阳璟珩".into(),
            ..Default::default()
        })
        .unwrap();
    let case_id = s.open_case(client).unwrap();
    let a = s.register_request(&request("欧阳璟珩")).unwrap();
    let b = s.register_request(&request("无此人")).unwrap();
    s.confirm_appointment(a, "wang", Slot::new(monday(), at(12, 0), 40), false)
        .unwrap();
    s.confirm_appointment(b, "wang", Slot::new(monday(), at(16, 50), 40), false)
        .unwrap();
    assert_eq!(s.case_appointments(case_id).unwrap(), vec![a]);
    drop(s);
    // The duty book itself holds no trace of the case.
    let duty = open_session(&room.dir, DUTY, DUTY_PW);
    let booked = duty.access().appointment(a).unwrap().unwrap();
    assert_eq!(booked.request.student_name, "欧阳璟珩");
}
