//! A typst `World` that serves only the templates it was given and the embedded fonts. Every
//! other path (including `/etc/passwd` through `read`, `image`, `json`…) is refused, there are no
//! packages, and `today` is `None` (no clock in the output).

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, Duration, Str, Value};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Liberation Serif 2.1 (SIL OFL 1.1, licence in `fonts/LICENSE-Liberation.txt`): Times New
/// Roman's metrics and every Vietnamese letter.
const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// The templates of one render: `(file name, source text)`; the first is the main file.
pub(crate) struct PrintWorld {
    library: LazyHash<Library>,
    sources: Vec<Source>,
}

fn file_id(name: &str) -> FileId {
    let vpath = VirtualPath::new(format!("/{name}")).expect("template names are plain");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl PrintWorld {
    /// `data` reaches the template only as `sys.inputs.data` (a JSON string).
    pub(crate) fn new(templates: &[(&str, String)], data: String) -> PrintWorld {
        let mut inputs = Dict::new();
        inputs.insert(Str::from("data"), Value::Str(data.into()));
        let library = Library::builder().with_inputs(inputs).build();
        let sources = templates
            .iter()
            .map(|(name, text)| Source::new(file_id(name), text.clone()))
            .collect();
        PrintWorld {
            library: LazyHash::new(library),
            sources,
        }
    }
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }
    fn main(&self) -> FileId {
        self.sources[0].id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or(FileError::AccessDenied)
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id)
            .map(|s| Bytes::from_string(s.text().to_string()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
