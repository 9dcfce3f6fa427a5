//! Working days: Monday to Friday, minus public holidays (and their compensatory days off), plus
//! the Saturdays the government swaps in as working days. The calendar is data, one year at a
//! time, from the annual notices on public holidays (Labour Code 2019 art. 112).

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// One dated day with its name, for the settings screen.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {
    /// Days off that would otherwise be working days (holidays, swapped and compensatory days).
    pub holidays: Vec<Holiday>,
    /// Weekend days that are working days (make-up Saturdays for swapped days off).
    pub extra_working_days: Vec<Holiday>,
    /// Years whose holidays are entered; deadlines running into other years count weekends only.
    pub years: Vec<i32>,
    pub source: String,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date in the default calendar")
}

impl HolidayCalendar {
    /// Public holidays for civil servants, 2024–2026, as announced for each year. 2026 is
    /// provisional: an administrator should check it against the year's official notice.
    pub fn vietnam_default() -> Self {
        let mut holidays = Vec::new();
        let mut add = |y, m, days: &[u32], name: &str| {
            for &day in days {
                holidays.push(Holiday {
                    date: d(y, m, day),
                    name: name.to_string(),
                });
            }
        };
        // 2024
        add(2024, 1, &[1], "Tết Dương lịch");
        add(2024, 2, &[8, 9, 12, 13, 14], "Tết Nguyên đán Giáp Thìn");
        add(2024, 4, &[18], "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
        add(2024, 4, &[29], "Nghỉ hoán đổi (làm bù thứ Bảy 04/5)");
        add(2024, 4, &[30], "Ngày Chiến thắng");
        add(2024, 5, &[1], "Ngày Quốc tế Lao động");
        add(2024, 9, &[2, 3], "Quốc khánh");
        // 2025
        add(2025, 1, &[1], "Tết Dương lịch");
        add(2025, 1, &[27, 28, 29, 30, 31], "Tết Nguyên đán Ất Tỵ");
        add(2025, 4, &[7], "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
        add(2025, 4, &[30], "Ngày Chiến thắng");
        add(2025, 5, &[1], "Ngày Quốc tế Lao động");
        add(2025, 5, &[2], "Nghỉ hoán đổi (làm bù thứ Bảy 26/4)");
        add(2025, 9, &[1, 2], "Quốc khánh");
        // 2026 (provisional)
        add(2026, 1, &[1], "Tết Dương lịch");
        add(2026, 2, &[16, 17, 18, 19, 20], "Tết Nguyên đán Bính Ngọ");
        add(
            2026,
            4,
            &[27],
            "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật 26/4)",
        );
        add(2026, 4, &[30], "Ngày Chiến thắng");
        add(2026, 5, &[1], "Ngày Quốc tế Lao động");
        add(2026, 9, &[1, 2], "Quốc khánh");
        let extra_working_days = vec![
            Holiday {
                date: d(2024, 5, 4),
                name: "Làm bù cho ngày 29/4/2024".into(),
            },
            Holiday {
                date: d(2025, 4, 26),
                name: "Làm bù cho ngày 02/5/2025".into(),
            },
        ];
        HolidayCalendar {
            holidays,
            extra_working_days,
            years: vec![2024, 2025, 2026],
            source: "Thông báo lịch nghỉ lễ, Tết hằng năm đối với cán bộ, công chức, viên chức \
                     (Bộ Lao động – Thương binh và Xã hội, từ 2025 Bộ Nội vụ); 2026 tạm tính, \
                     cần đối chiếu"
                .into(),
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.extra_working_days.iter().any(|h| h.date == date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.holidays.iter().any(|h| h.date == date)
    }

    fn index(&self) -> (BTreeSet<NaiveDate>, BTreeSet<NaiveDate>) {
        (
            self.holidays.iter().map(|h| h.date).collect(),
            self.extra_working_days.iter().map(|h| h.date).collect(),
        )
    }

    /// The `n`-th working day after `start` (the start day itself does not count); `n = 0`
    /// gives `start`. A limit of 90 working days from a letter received on a Friday ends on the
    /// 90th working day after it.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let (off, on) = self.index();
        let working = |d: NaiveDate| {
            on.contains(&d)
                || (!matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !off.contains(&d))
        };
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day + Days::new(1);
            if working(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days in `(from, to]`; 0 when `to <= from`. "How many working days are left."
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day + Days::new(1);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }

    /// Years touched by `[from, to]` that have no holiday data: deadlines there may be early.
    pub fn uncovered_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        (from.year()..=to.year())
            .filter(|y| !self.years.contains(y))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekends_holidays_and_make_up_saturdays() {
        let cal = HolidayCalendar::vietnam_default();
        assert!(cal.is_working_day(d(2025, 3, 3))); // Monday
        assert!(!cal.is_working_day(d(2025, 3, 8))); // Saturday
        assert!(!cal.is_working_day(d(2025, 1, 29))); // Tết
        assert!(!cal.is_working_day(d(2025, 9, 2))); // Quốc khánh
        assert!(cal.is_working_day(d(2025, 4, 26))); // make-up Saturday
        assert!(!cal.is_working_day(d(2025, 5, 2))); // swapped day off
    }

    #[test]
    fn adding_working_days_skips_tet() {
        let cal = HolidayCalendar::vietnam_default();
        // Friday 24/1/2025 + 1 working day: the weekend and Tết week (27–31/1) and the next
        // weekend are skipped, so Monday 3/2/2025.
        assert_eq!(cal.add_working_days(d(2025, 1, 24), 1), d(2025, 2, 3));
        assert_eq!(cal.add_working_days(d(2025, 1, 24), 0), d(2025, 1, 24));
        // Across the 30/4 holidays of 2025: Tue 29/4 + 1 → Mon 5/5 (30/4, 1/5, 2/5 off).
        assert_eq!(cal.add_working_days(d(2025, 4, 29), 1), d(2025, 5, 5));
        // Friday 25/4/2025 + 1 → the make-up Saturday 26/4.
        assert_eq!(cal.add_working_days(d(2025, 4, 25), 1), d(2025, 4, 26));
    }

    #[test]
    fn ninety_working_days_and_back() {
        let cal = HolidayCalendar::vietnam_default();
        let start = d(2025, 3, 3);
        let end = cal.add_working_days(start, 90);
        assert_eq!(cal.working_days_between(start, end), 90);
        assert!(cal.is_working_day(end));
        // 90 working days are well over 4 calendar months when 30/4, 1/5, 2/5 fall inside.
        assert_eq!(end, d(2025, 7, 10));
        assert_eq!(cal.working_days_between(end, start), 0);
    }

    #[test]
    fn years_without_data_are_reported() {
        let cal = HolidayCalendar::vietnam_default();
        assert_eq!(cal.uncovered_years(d(2026, 10, 1), d(2027, 3, 1)), [2027]);
        assert!(
            cal.uncovered_years(d(2024, 1, 1), d(2026, 12, 31))
                .is_empty()
        );
    }

    #[test]
    fn calendar_is_data() {
        let mut cal = HolidayCalendar::vietnam_default();
        let json = serde_json::to_string(&cal).unwrap();
        assert_eq!(serde_json::from_str::<HolidayCalendar>(&json).unwrap(), cal);
        // An administrator adds a day off: deadlines move.
        let before = cal.add_working_days(d(2026, 11, 20), 3);
        cal.holidays.push(Holiday {
            date: d(2026, 11, 24),
            name: "Ngày Văn hóa Việt Nam".into(),
        });
        assert_eq!(
            cal.add_working_days(d(2026, 11, 20), 3),
            before + Days::new(1)
        );
    }
}
