// swift-tools-version:6.0
import PackageDescription

// Data flows one way: ArgoAPI (client) -> ArgoViewModel -> ArgoRender -> ArgoTerminal.
// ArgoDemo is the simulated Argo Server; argotop wires everything together.
let package = Package(
    name: "argotop",
    products: [
        .executable(name: "argotop", targets: ["argotop"])
    ],
    targets: [
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        .target(name: "CNcurses", linkerSettings: [.linkedLibrary("ncursesw"), .linkedLibrary("tinfo")]),
        .target(name: "ArgoAPI", dependencies: ["CCurl", "CZlib"]),
        .target(name: "ArgoViewModel", dependencies: ["ArgoAPI"]),
        .target(name: "ArgoRender", dependencies: ["ArgoViewModel"]),
        .target(name: "ArgoDemo", dependencies: ["ArgoAPI"]),
        .target(name: "ArgoTerminal", dependencies: ["ArgoAPI", "ArgoViewModel", "ArgoRender", "CNcurses"]),
        .executableTarget(
            name: "argotop",
            dependencies: ["ArgoAPI", "ArgoViewModel", "ArgoRender", "ArgoTerminal", "ArgoDemo"]),
        .testTarget(name: "ArgoAPITests", dependencies: ["ArgoAPI", "ArgoDemo"]),
        .testTarget(name: "ArgoViewModelTests", dependencies: ["ArgoAPI", "ArgoViewModel", "ArgoDemo"]),
        .testTarget(name: "ArgoRenderTests", dependencies: ["ArgoViewModel", "ArgoRender"]),
        .testTarget(
            name: "ArgoEndToEndTests",
            dependencies: ["ArgoAPI", "ArgoViewModel", "ArgoRender", "ArgoTerminal", "ArgoDemo"]),
    ],
    swiftLanguageModes: [.v5]
)
