fn main() {
    let m = signpost::meaning::Meaning::load(&signpost::meaning::default_dir()).unwrap();
    for w in std::env::args().skip(1) {
        println!("{w}: english {} nearest {:?}", m.model.is_english(&w), m.model.nearest_word(&w));
    }
}
