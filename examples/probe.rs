fn main() {
    let m = signpost::meaning::Meaning::load(&signpost::meaning::default_dir()).unwrap();
    for q in std::env::args().skip(1) {
        println!("* {q}  (knows: {})", q.split(' ').map(|w| format!("{w}:{}", m.model.knows_word(w))).collect::<Vec<_>>().join(" "));
        for s in m.read(&q, &|_| None) {
            println!("   {:.2} {} {:?} ~ {:?}", s.similarity, s.concept, s.said, s.sign);
        }
    }
}
