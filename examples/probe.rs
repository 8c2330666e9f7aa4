fn main() {
    let m = signpost::meaning::Meaning::load(&signpost::meaning::default_dir()).unwrap();
    for q in std::env::args().skip(1) {
        println!("* {q}");
        for s in m.read(&q, &|_| None) {
            println!("   {:.2} {} {:?} ~ {:?}", s.similarity, s.concept, s.said, s.sign);
        }
        let a = m.model.embed(&q).unwrap();
        println!("   dims {} first {:?}", a.len(), &a[..3]);
    }
}
