import CZlib
import Foundation
@testable import FlintTrain
import Testing

/// A PNG reader written for these tests: checks the signature, every chunk's CRC-32 (its own table, not
/// the encoder's zlib call), the IHDR, inflates the IDAT data with zlib's `uncompress` and undoes the
/// row filters (all five PNG filter types).
enum PNGTestDecoder {
    struct DecodeError: Error, CustomStringConvertible { let description: String }

    static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        ~bytes.reduce(~UInt32(0)) { crcTable[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
    }

    static func decode(_ png: [UInt8]) throws -> (width: Int, height: Int, chunkTypes: [String], pixels: [UInt8]) {
        guard png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw DecodeError(description: "no signature") }
        func bigEndian(_ offset: Int) -> Int { png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8
        var types: [String] = []
        var header: [UInt8] = []
        var compressed: [UInt8] = []
        while offset < png.count {
            guard offset + 12 <= png.count else { throw DecodeError(description: "truncated chunk at \(offset)") }
            let length = bigEndian(offset)
            guard offset + 12 + length <= png.count else { throw DecodeError(description: "chunk past the end at \(offset)") }
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = Array(png[(offset + 8)..<(offset + 8 + length)])
            guard UInt32(bigEndian(offset + 8 + length)) == crc32(png[(offset + 4)..<(offset + 8 + length)]) else {
                throw DecodeError(description: "bad CRC in chunk \(type)")
            }
            types.append(type)
            if type == "IHDR" { header = data }
            if type == "IDAT" { compressed += data }
            offset += 12 + length
        }
        guard header.count == 13 else { throw DecodeError(description: "IHDR has \(header.count) bytes") }
        let width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }, height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
        guard Array(header[8...]) == [8, 2, 0, 0, 0] else { throw DecodeError(description: "not 8-bit RGB: \(Array(header[8...]))") }
        let rowBytes = width * 3
        var raw = [UInt8](repeating: 0, count: height * (rowBytes + 1))
        var rawLength = uLong(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { output in
            compressed.withUnsafeBufferPointer { input in uncompress(output.baseAddress, &rawLength, input.baseAddress, uLong(input.count)) }
        }
        guard status == Z_OK, Int(rawLength) == raw.count else { throw DecodeError(description: "zlib status \(status), \(rawLength) bytes") }
        var pixels = [UInt8](repeating: 0, count: height * rowBytes)
        for row in 0..<height {
            let filter = raw[row * (rowBytes + 1)]
            for column in 0..<rowBytes {
                let value = raw[row * (rowBytes + 1) + 1 + column]
                let left = column >= 3 ? Int(pixels[row * rowBytes + column - 3]) : 0
                let up = row > 0 ? Int(pixels[(row - 1) * rowBytes + column]) : 0
                let upLeft = row > 0 && column >= 3 ? Int(pixels[(row - 1) * rowBytes + column - 3]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = left
                case 2: predictor = up
                case 3: predictor = (left + up) / 2
                case 4:
                    let estimate = left + up - upLeft
                    let distances = [abs(estimate - left), abs(estimate - up), abs(estimate - upLeft)]
                    predictor = distances[0] <= distances[1] && distances[0] <= distances[2] ? left : distances[1] <= distances[2] ? up : upLeft
                default: throw DecodeError(description: "filter type \(filter) on row \(row)")
                }
                pixels[row * rowBytes + column] = value &+ UInt8(truncatingIfNeeded: predictor)
            }
        }
        return (width, height, types, pixels)
    }
}

/// Writes `image` to $FLINT_PLOT_OUTPUT/<name> when that variable is set, for a person to look at.
private func keepForInspection(_ png: [UInt8], name: String) throws {
    guard let folder = ProcessInfo.processInfo.environment["FLINT_PLOT_OUTPUT"] else { return }
    try Data(png).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
}

private func count(of color: RGBColor, in image: RGBImage) -> Int {
    (0..<(image.width * image.height)).count { image.pixels[3 * $0] == color.red && image.pixels[3 * $0 + 1] == color.green && image.pixels[3 * $0 + 2] == color.blue }
}

@Suite struct PlotTests {
    @Test func pngRoundTripsThroughAnIndependentDecoder() throws {
        var image = RGBImage(width: 7, height: 5, fill: RGBColor(10, 20, 30))
        image[0, 0] = RGBColor(255, 0, 0)
        image[6, 4] = RGBColor(0, 255, 0)
        image[3, 2] = RGBColor(1, 2, 3)
        image[3, 1] = RGBColor(250, 251, 252)  // "Up" filter differences wrap around
        let png = image.pngData()
        let decoded = try PNGTestDecoder.decode(png)
        #expect(decoded.width == 7 && decoded.height == 5)
        #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
        #expect(decoded.pixels == image.pixels)
        #expect(Array(decoded.pixels[0..<3]) == [255, 0, 0])
        #expect(Array(decoded.pixels[(3 * (4 * 7 + 6))...]) == [0, 255, 0])
        // IEND's CRC is the fixed AE 42 60 82.
        #expect(Array(png.suffix(4)) == [0xAE, 0x42, 0x60, 0x82])
    }

    @Test func fontHasADistinctGlyphForEveryPrintableCharacter() {
        var seen: [[UInt8]: Character] = [:]
        for value in 0x21...0x7E {
            let character = Character(UnicodeScalar(UInt8(value)))
            let glyph = PlotFont.glyph(for: character)
            #expect(glyph.count == 7 && glyph.allSatisfy { $0 < 32 } && glyph.contains { $0 != 0 }, "glyph \(character)")
            #expect(seen[glyph] == nil, "\(character) draws the same as \(seen[glyph].map(String.init) ?? "")")
            seen[glyph] = character
        }
        #expect(PlotFont.glyph(for: " ").allSatisfy { $0 == 0 })
        #expect(PlotFont.glyph(for: "é") == PlotFont.glyph(for: "?"))
        // "1" drawn at scale 2: its top row .#... is pixels 2-3 wide (columns 4..5 of 10) at rows 0..1.
        var image = RGBImage(width: 12, height: 16)
        image.drawText("1", x: 0, y: 0, scale: 2, color: .black)
        #expect(image[4, 0] == .black && image[5, 1] == .black && image[3, 0] == .white && image[6, 0] == .white)
        #expect(count(of: .black, in: image) == 4 * PlotFont.glyph(for: "1").map { $0.nonzeroBitCount }.reduce(0, +))
    }

    @Test func axesPickNiceTicksAndLabels() {
        let axis = PlotAxis(minimum: 0.13, maximum: 0.97, targetTickCount: 6)
        #expect(axis.step == 0.2)
        #expect(axis.lower == 0 && abs(axis.upper - 1) < 1e-12)
        #expect(axis.ticks.map(axis.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let flat = PlotAxis(minimum: 3, maximum: 3, targetTickCount: 5)
        #expect(flat.lower < 3 && flat.upper > 3)
        let single = PlotAxis(minimum: 0.7, maximum: 0.7, targetTickCount: 6)
        #expect(single.ticks.map(single.label) == ["0.60", "0.65", "0.70", "0.75", "0.80"])
        let epochs = PlotAxis(minimum: 1, maximum: 30, targetTickCount: 8, snapToTicks: false, integerSteps: true)
        #expect(epochs.ticks == [5, 10, 15, 20, 25, 30])
        #expect(PlotAxis.format(0.00003, step: 0.00001) == "3e-5")
        #expect(PlotAxis.format(2_500_000, step: 500_000) == "2.5e6")
        #expect(PlotAxis.format(0, step: 5) == "0" && PlotAxis.format(0, step: 0.00001) == "0")
        #expect(PlotAxis.niceStep(0.7) == 1 && PlotAxis.niceStep(130) == 200 && PlotAxis.niceStep(0.03) == 0.05)
    }

    @Test func linePlotDrawsEachSeriesInItsColourAndGoesUpForRisingValues() throws {
        let rising = (1...20).map { 0.5 + 0.02 * Double($0) }
        let falling = (1...20).map { 2.0 / Double($0) }
        var gapped = rising.map { $0 - 0.1 }
        gapped[10] = .nan
        let plot = LinePlot(title: "Training curves", series: [("accuracy", rising), ("loss", falling), ("gapped", gapped)], yLabel: "value")
        let image = plot.render(width: 640, height: 480)
        let png = plot.renderPNG(width: 640, height: 480)
        try keepForInspection(png, name: "line_plot.png")
        let decoded = try PNGTestDecoder.decode(png)
        #expect(decoded.width == 640 && decoded.height == 480 && decoded.pixels == image.pixels)
        #expect(image[0, 0] == .white && image[639, 479] == .white)
        for index in 0..<3 { #expect(count(of: PlotStyle.palette[index], in: image) > 200, "series \(index)") }
        // The rising series' pixels sit higher (smaller y) at x = 420 than at x = 200 (both left of the legend).
        func meanY(of color: RGBColor, column: Int) -> Double {
            let rows = (0..<image.height).filter { image[column, $0] == color }
            return Double(rows.reduce(0, +)) / Double(max(rows.count, 1))
        }
        #expect(meanY(of: PlotStyle.palette[0], column: 420) < meanY(of: PlotStyle.palette[0], column: 200))
        #expect(meanY(of: PlotStyle.palette[1], column: 420) > meanY(of: PlotStyle.palette[1], column: 200))
    }

    @Test func linePlotCopesWithOnePointAndNoFiniteValues() throws {
        let single = LinePlot(title: "One epoch", series: [("loss", [0.7])]).render(width: 320, height: 240)
        try keepForInspection(single.pngData(), name: "line_plot_single.png")
        let long = LinePlot(title: "Learning rate (cosine, 150 epochs)", series: [("lr", (0..<150).map { 0.00005 * (1 + cos(Double($0) / 149 * .pi)) })])
        try keepForInspection(long.renderPNG(width: 800, height: 400), name: "line_plot_long.png")
        #expect(count(of: PlotStyle.palette[0], in: long.render(width: 800, height: 400)) > 300)
        #expect(count(of: PlotStyle.palette[0], in: single) > 10)
        let empty = LinePlot(title: "Nothing", series: [("loss", [.nan, .infinity])]).render(width: 320, height: 240)
        #expect(empty[0, 0] == .white)
    }

    @Test func confusionMatrixShadesByCountAndWritesTheCounts() throws {
        let matrix = [[50, 0, 3], [2, 45, 0], [1, 4, 38]]
        let plot = ConfusionMatrixPlot(matrix: matrix, classNames: ["setosa", "versicolor", "virginica"], title: "Iris")
        let image = plot.render(width: 480, height: 480)
        let png = plot.renderPNG(width: 480, height: 480)
        try keepForInspection(png, name: "confusion_matrix.png")
        #expect(try PNGTestDecoder.decode(png).pixels == image.pixels)
        // The largest count is the darkest shade with white digits; a zero cell is the lightest shade.
        #expect(count(of: ConfusionMatrixPlot.darkest, in: image) > 1000)
        #expect(count(of: ConfusionMatrixPlot.lightest, in: image) > 2 * 1000)
        #expect(count(of: .white, in: image) > 0)

        let digits = (0..<10).map { row in (0..<10).map { $0 == row ? 170 + row : ($0 + row) % 4 } }
        let tenClasses = ConfusionMatrixPlot(matrix: digits, classNames: (0..<10).map { "class \($0)" }, normalized: true)
        let tenPNG = tenClasses.renderPNG(width: 560, height: 560)
        try keepForInspection(tenPNG, name: "confusion_matrix_normalized.png")
        #expect(try PNGTestDecoder.decode(tenPNG).width == 560)
    }

    @Test func plotsAreWrittenAtomically() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flint-plots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try LinePlot(title: "Loss", series: [("train", [1, 0.5])]).writePNG(to: folder.appendingPathComponent("loss.png"))
        try ConfusionMatrixPlot(matrix: [[1, 0], [0, 1]], classNames: ["a", "b"]).writePNG(to: folder.appendingPathComponent("cm.png"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["cm.png", "loss.png"])
        #expect(try PNGTestDecoder.decode(Array(Data(contentsOf: folder.appendingPathComponent("cm.png")))).width == 560)
        #expect(throws: (any Error).self) {
            try LinePlot(title: "x", series: []).writePNG(to: folder.appendingPathComponent("missing/loss.png"))
        }
    }
}
