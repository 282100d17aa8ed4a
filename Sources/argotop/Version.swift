/// The one place argotop's version is written.
enum Version {
    static let string = "0.9.0-dev"
}
