// swift-tools-version:6.0
import PackageDescription

// Data flows one way: ArgoAPI (client) -> ArgoViewModel -> ArgoRender -> ArgoTerminal.
// ArgoDemo is the simulated Argo Server; argotop wires everything together.
let package = Package(
    name: "argotop",
    products: [
        .executable(name: "argotop", targets: ["argotop"])
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        .target(name: "CNcurses", linkerSettings: [.linkedLibrary("ncursesw"), .linkedLibrary("tinfo")]),
        // The hot loop of opening a workflow (one node of status.nodes cut into spans), in C with SSE2.
        .target(name: "CJSONScan"),
        .target(name: "ArgoAPI", dependencies: ["CCurl", "CZlib", "CJSONScan"]),
        .target(name: "ArgoViewModel", dependencies: ["ArgoAPI"]),
        .target(name: "ArgoRender", dependencies: ["ArgoViewModel"]),
        // Served through SwiftNIO's HTTP/1.1 server pipeline (NIOHTTP1).
        .target(
            name: "ArgoDemo",
            dependencies: [
                "ArgoAPI", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // Reads kubeconfig files (KUBECONFIG, --kubeconfig, --context) into Kubernetes API connection settings.
        .target(name: "ArgoKube", dependencies: ["ArgoAPI", .product(name: "Yams", package: "Yams")]),
        .target(name: "ArgoTerminal", dependencies: ["ArgoAPI", "ArgoViewModel", "ArgoRender", "CNcurses"]),
        .executableTarget(
            name: "argotop",
            dependencies: [
                "ArgoAPI", "ArgoViewModel", "ArgoRender", "ArgoTerminal", "ArgoDemo", "ArgoKube",
                .product(name: "Yams", package: "Yams"),
            ]),
        // `make bench`: the speed targets against Python, as a table (built in release; not part of the tests).
        .executableTarget(name: "argobench", dependencies: ["ArgoAPI", "ArgoViewModel", "ArgoRender", "ArgoDemo"], path: "Sources/ArgoBench"),
        .testTarget(name: "ArgoAPITests", dependencies: ["ArgoAPI", "ArgoDemo", "CJSONScan"]),
        .testTarget(name: "ArgoViewModelTests", dependencies: ["ArgoAPI", "ArgoViewModel", "ArgoDemo"]),
        .testTarget(name: "ArgoKubeTests", dependencies: ["ArgoAPI", "ArgoKube"]),
        .testTarget(name: "ArgoRenderTests", dependencies: ["ArgoViewModel", "ArgoRender"]),
        .testTarget(
            name: "ArgoEndToEndTests",
            dependencies: ["ArgoAPI", "ArgoViewModel", "ArgoRender", "ArgoTerminal", "ArgoDemo"]),
    ],
    swiftLanguageModes: [.v5]
)
