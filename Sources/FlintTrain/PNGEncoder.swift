import CZlib
import FlintIO
import Foundation

/// A colour of 8-bit red, green and blue components.
///
/// ```swift
/// let orange = RGBColor(255, 127, 14)
/// ```
public struct RGBColor: Sendable, Equatable, Hashable {
    /// Red, 0–255.
    public var red: UInt8
    /// Green, 0–255.
    public var green: UInt8
    /// Blue, 0–255.
    public var blue: UInt8

    /// A colour from its three components.
    ///
    /// ```swift
    /// let grey = RGBColor(128, 128, 128)
    /// ```
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// White.
    ///
    /// ```swift
    /// var image = RGBImage(width: 320, height: 240, fill: .white)
    /// ```
    public static let white = RGBColor(255, 255, 255)
    /// Black.
    ///
    /// ```swift
    /// let image = RGBImage(width: 2, height: 2, fill: .black)
    /// ```
    public static let black = RGBColor(0, 0, 0)

    /// The colour a fraction `amount` (0…1) of the way from `self` to `other`.
    ///
    /// ```swift
    /// RGBColor.white.mixed(with: .black, amount: 0.5)  // mid grey
    /// ```
    public func mixed(with other: RGBColor, amount: Double) -> RGBColor {
        let weight = min(1, max(0, amount.isNaN ? 0 : amount))
        func blend(_ from: UInt8, _ to: UInt8) -> UInt8 {
            UInt8((Double(from) + (Double(to) - Double(from)) * weight).rounded())
        }
        return RGBColor(blend(red, other.red), blend(green, other.green), blend(blue, other.blue))
    }
}

/// An image of 8-bit RGB pixels in row-major order, top row first; what the plots draw into.
///
/// ```swift
/// var image = RGBImage(width: 64, height: 32, fill: .white)
/// image[3, 4] = RGBColor(255, 0, 0)
/// let png = image.pngData()
/// ```
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height * 3` bytes: red, green, blue of each pixel, row by row from the top.
    public var pixels: [UInt8]

    /// An image of one colour.
    ///
    /// ```swift
    /// let blank = RGBImage(width: 640, height: 480, fill: .white)
    /// ```
    public init(width: Int, height: Int, fill: RGBColor = .white) {
        precondition(width > 0 && height > 0, "RGBImage: size \(width)x\(height) must be positive")
        precondition(width <= 16384 && height <= 16384, "RGBImage: size \(width)x\(height) is over the 16384-pixel side limit")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            pixels[3 * index] = fill.red
            pixels[3 * index + 1] = fill.green
            pixels[3 * index + 2] = fill.blue
        }
    }

    /// The pixel in column `x`, row `y` (0, 0 is the top left); writes outside the image are ignored.
    ///
    /// ```swift
    /// image[0, 0] = .black
    /// ```
    public subscript(x: Int, y: Int) -> RGBColor {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "RGBImage: pixel (\(x), \(y)) is outside \(width)x\(height)")
            let offset = 3 * (y * width + x)
            return RGBColor(pixels[offset], pixels[offset + 1], pixels[offset + 2])
        }
        set {
            guard x >= 0, x < width, y >= 0, y < height else { return }
            let offset = 3 * (y * width + x)
            pixels[offset] = newValue.red
            pixels[offset + 1] = newValue.green
            pixels[offset + 2] = newValue.blue
        }
    }

    /// The image as a PNG file (8-bit RGB, no interlace, zlib-compressed).
    ///
    /// ```swift
    /// try Data(image.pngData()).write(to: URL(fileURLWithPath: "/tmp/image.png"))
    /// ```
    public func pngData() -> [UInt8] { PNGEncoder.encode(self) }

    /// Writes the image as a PNG file, atomically (temporary file, then rename).
    ///
    /// ```swift
    /// try image.writePNG(to: URL(fileURLWithPath: "runs/mnist/curves.png"))
    /// ```
    public func writePNG(to url: URL) throws {
        try AtomicFile.write(Data(pngData()), to: url)
    }
}

/// Encodes ``RGBImage``s as PNG files: signature, IHDR, one IDAT of zlib data, IEND; each chunk with
/// its CRC-32 (zlib's `crc32`). Each row uses the "Up" filter except the first ("None"), which makes the
/// flat areas of plots compress to almost nothing.
///
/// ```swift
/// let bytes = PNGEncoder.encode(RGBImage(width: 2, height: 2, fill: .black))
/// ```
public enum PNGEncoder {
    /// The eight bytes every PNG file starts with.
    ///
    /// ```swift
    /// let bytes = PNGEncoder.encode(RGBImage(width: 1, height: 1, fill: .white))
    /// Array(bytes.prefix(8)) == PNGEncoder.signature  // true
    /// ```
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG file of `image`.
    ///
    /// ```swift
    /// let png = PNGEncoder.encode(image)
    /// ```
    public static func encode(_ image: RGBImage) -> [UInt8] {
        let rowBytes = image.width * 3
        var filtered = [UInt8](repeating: 0, count: image.height * (rowBytes + 1))
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<image.height {
                let output = row * (rowBytes + 1)
                let input = row * rowBytes
                if row == 0 {
                    filtered[output] = 0
                    for column in 0..<rowBytes { filtered[output + 1 + column] = pixels[input + column] }
                } else {
                    filtered[output] = 2
                    for column in 0..<rowBytes {
                        filtered[output + 1 + column] = pixels[input + column] &- pixels[input - rowBytes + column]
                    }
                }
            }
        }
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
        var file = signature
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", deflate(filtered), to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// zlib-compressed `bytes` (zlib's `compress2`, level 6).
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { destination in
            bytes.withUnsafeBufferPointer { source in
                compress2(destination.baseAddress, &capacity, source.baseAddress, uLong(source.count), 6)
            }
        }
        // compressBound guarantees room; only memory exhaustion can fail here.
        precondition(status == Z_OK, "PNGEncoder: zlib compress2 failed with status \(status)")
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// Appends one chunk: length, type, data, CRC-32 of type and data.
    static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        appendBigEndian(UInt32(data.count), to: &file)
        file += typeBytes
        file += data
        var crc = crc32(0, nil, 0)
        crc = typeBytes.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        // crc32(_, NULL, _) restarts at 0, so an empty chunk (IEND) must not pass its data.
        if !data.isEmpty { crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) } }
        appendBigEndian(UInt32(truncatingIfNeeded: crc), to: &file)
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
