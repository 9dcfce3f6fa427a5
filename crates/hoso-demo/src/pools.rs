//! Word pools for realistic Vietnamese demo data: names, police units, posts, case titles.
//! Everything here is fiction built from common words; any match with a real person is chance.

/// Family names with rough weights (Nguyễn is about four in ten Vietnamese).
pub const FAMILY: &[(&str, u32)] = &[
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 1),
    ("Đào", 1),
    ("Đinh", 1),
    ("Trịnh", 1),
    ("Lương", 1),
    ("Mai", 1),
    ("Tạ", 1),
    ("Lò", 1),
    ("Hà", 1),
    ("Quách", 1),
];

pub const MIDDLE_MALE: &[&str] = &[
    "Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Ngọc", "Thanh", "Xuân", "Công", "Tiến",
    "Đình", "Mạnh", "Trọng", "Anh", "Quốc", "Duy",
];
pub const MIDDLE_FEMALE: &[&str] = &[
    "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Diệu", "Bích",
];

pub const GIVEN_MALE: &[&str] = &[
    "An", "Anh", "Bình", "Cường", "Dũng", "Dương", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hoàng",
    "Hùng", "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Mạnh", "Minh", "Nam", "Nghĩa",
    "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trung",
    "Tuấn", "Tùng", "Việt", "Vinh", "Vũ",
];
pub const GIVEN_FEMALE: &[&str] = &[
    "Anh", "Ánh", "Chi", "Dung", "Duyên", "Hà", "Hạnh", "Hằng", "Hoa", "Hồng", "Huyền", "Hương",
    "Lan", "Linh", "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Thảo",
    "Thúy", "Trang", "Tuyết", "Uyên", "Vân", "Yến",
];

/// Departments of a provincial police force (Công an tỉnh, thành phố).
pub const DEPARTMENTS: &[&str] = &[
    "Phòng Cảnh sát hình sự",
    "Phòng Cảnh sát điều tra tội phạm về ma túy",
    "Phòng Cảnh sát điều tra tội phạm về tham nhũng, kinh tế, buôn lậu, môi trường",
    "Phòng Cảnh sát giao thông",
    "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
    "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    "Phòng Cảnh sát cơ động",
    "Phòng Cảnh sát thi hành án hình sự và hỗ trợ tư pháp",
    "Phòng An ninh điều tra",
    "Phòng An ninh kinh tế",
    "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
    "Phòng Quản lý xuất nhập cảnh",
    "Phòng Tham mưu",
    "Phòng Tổ chức cán bộ",
    "Phòng Hậu cần",
    "Phòng Kỹ thuật hình sự",
    "Phòng Thanh tra",
    "Phòng Pháp chế và quản lý khoa học",
    "Trại tạm giam",
];

/// Posts with weights; `None` = no post (a plain officer).
pub const POSTS: &[(Option<&str>, u32)] = &[
    (None, 30),
    (Some("Trưởng phòng"), 8),
    (Some("Phó Trưởng phòng"), 14),
    (Some("Đội trưởng"), 14),
    (Some("Phó Đội trưởng"), 16),
    (Some("Bí thư Chi bộ, Phó Trưởng phòng"), 4),
    (Some("Điều tra viên"), 10),
    (Some("Phó Giám đốc Công an"), 3),
];

/// Party organisations inside a provincial police force (template; `{dept}` and `{prov}`).
pub const ORGANISATIONS: &[&str] = &[
    "Chi bộ {dept}",
    "Đảng bộ {dept}",
    "Ban Thường vụ Đảng ủy Công an {prov}",
    "Đảng ủy Công an {prov}",
    "Chi bộ Đội {n}, {dept}",
];

/// What denunciations say (in the words of a letter's summary).
pub const ALLEGATIONS: &[&str] = &[
    "nhận tiền để bỏ qua lỗi vi phạm trật tự, an toàn giao thông",
    "can thiệp trái quy định vào việc giải quyết vụ án, vụ việc",
    "thiếu trách nhiệm trong quản lý hồ sơ, vật chứng vụ án",
    "kê khai tài sản, thu nhập không trung thực",
    "vi phạm những điều đảng viên không được làm (kinh doanh trái quy định)",
    "sử dụng văn bằng không hợp pháp để được bổ nhiệm",
    "có quan hệ không lành mạnh với đối tượng kinh doanh karaoke",
    "gây mất đoàn kết nội bộ, trù dập người góp ý",
    "vi phạm quy định về quản lý, sử dụng đất đai của gia đình",
    "bao che cho người thân vi phạm pháp luật",
];

/// Topics of thematic supervision.
pub const TOPICS: &[&str] = &[
    "việc lãnh đạo, chỉ đạo công tác phòng, chống tham nhũng, tiêu cực",
    "công tác cán bộ và thực hiện quy định về luân chuyển, điều động",
    "việc quản lý, sử dụng tài chính, tài sản công",
    "việc thực hiện Nghị quyết Đại hội Đảng bộ nhiệm kỳ 2020 – 2025",
    "việc tiếp công dân, giải quyết khiếu nại, tố cáo",
    "việc thực hiện quy chế dân chủ ở cơ sở",
    "việc rèn luyện đạo đức, lối sống của đảng viên",
    "việc thực hiện quy định về những điều đảng viên không được làm",
];

pub const FINDINGS_OK: &[&str] = &[
    "Chưa phát hiện vi phạm đến mức phải xem xét, xử lý kỷ luật.",
    "Thực hiện cơ bản đúng quy định; còn một số hạn chế đã được chỉ ra.",
];
pub const FINDINGS_VIOLATION: &[&str] = &[
    "Có vi phạm, khuyết điểm đến mức phải xem xét, xử lý kỷ luật.",
    "Tố cáo đúng một phần; vi phạm quy định về những điều đảng viên không được làm.",
    "Có dấu hiệu vi phạm trong quản lý, sử dụng tài chính; đề nghị kiểm tra khi có dấu hiệu vi phạm.",
];

/// Reasons a coordinating office takes part (lãnh đạo song trùng).
pub const COORDINATION_REASONS: &[&str] = &[
    "Đảng viên thuộc diện Tỉnh ủy quản lý cán bộ",
    "Phối hợp theo quy chế giữa Đảng ủy Công an Trung ương và Tỉnh ủy",
    "Nội dung tố cáo liên quan đến địa bàn tỉnh",
    "Tổ chức đảng chịu sự lãnh đạo song trùng",
];

/// Officers of the demo office besides `demo`: (login, name, role code).
pub const OFFICERS: &[(&str, &str, &str)] = &[
    ("hung.tm", "Trần Minh Hùng", "committee-leader"),
    ("lan.nt", "Nguyễn Thị Lan", "inspector"),
    ("duc.pv", "Phạm Văn Đức", "inspector"),
    ("quyen.ld", "Lê Diệu Quyên", "inspector"),
    ("thao.vt", "Vũ Thu Thảo", "letters-clerk"),
    ("son.hq", "Hoàng Quốc Sơn", "viewer"),
];

/// For denouncers' addresses (after the 2025 reform: street, ward, province).
pub const STREETS: &[&str] = &[
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Quang Trung",
    "Phan Đình Phùng",
    "Nguyễn Du",
    "Bà Triệu",
    "Điện Biên Phủ",
];
pub const WARDS: &[&str] = &[
    "phường Trường Vinh, tỉnh Nghệ An",
    "phường Hoàn Kiếm, thành phố Hà Nội",
    "phường Bến Thành, Thành phố Hồ Chí Minh",
    "phường Hải Châu, thành phố Đà Nẵng",
    "xã Yên Thành, tỉnh Nghệ An",
    "phường Hạc Thành, tỉnh Thanh Hóa",
];
