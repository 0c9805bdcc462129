import Flint
import FlintIO
import Foundation

/// A tensor datatype of the Open Inference Protocol that Flint serves.
///
/// ```swift
/// TensorDatatype(rawValue: "FP32")  // .fp32
/// ```
public enum TensorDatatype: String, Codable, Sendable, CaseIterable {
    /// 32-bit float.
    case fp32 = "FP32"
    /// 64-bit float.
    case fp64 = "FP64"
    /// 32-bit integer.
    case int32 = "INT32"
    /// 64-bit integer.
    case int64 = "INT64"
    /// Boolean.
    case bool = "BOOL"
}

/// A tensor's name, datatype and shape (-1 for the batch axis), as model metadata lists them.
///
/// ```swift
/// let metadata = TensorMetadata(name: "input", datatype: .fp32, shape: [-1, 4])
/// ```
public struct TensorMetadata: Codable, Sendable, Equatable {
    /// The tensor's name.
    public let name: String
    /// Its datatype.
    public let datatype: TensorDatatype
    /// Its shape, -1 for the batch axis.
    public let shape: [Int]

    /// Metadata for one tensor.
    ///
    /// ```swift
    /// TensorMetadata(name: "class_index", datatype: .int64, shape: [-1])
    /// ```
    public init(name: String, datatype: TensorDatatype, shape: [Int]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }
}

/// A request the server refuses or cannot answer: the HTTP status and a message saying what was wrong.
///
/// ```swift
/// throw ServeError(.badRequest, "'inputs' must hold exactly one tensor named 'input'")
/// ```
public struct ServeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code (400, 404, 413, 503, 504, …).
    public let status: Int
    /// What was wrong, in one line.
    public let message: String
    /// Seconds after which to retry (503 for a full queue).
    public let retryAfter: Int?

    /// An error with `status` and `message`.
    ///
    /// ```swift
    /// ServeError(404, "unknown model 'irs'; models: iris, digits")
    /// ```
    public init(_ status: Int, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The message.
    public var description: String { message }

    /// A 400 Bad Request with `message`.
    ///
    /// ```swift
    /// throw ServeError.badRequest("'shape' is missing")
    /// ```
    public static func badRequest(_ message: String) -> ServeError { ServeError(400, message) }
}

/// Any JSON value, decoded without losing which kind it was (numbers stay numbers, booleans booleans).
///
/// ```swift
/// let value = try JSONDecoder().decode(JSONValue.self, from: Data("[1, 2.5]".utf8))
/// ```
public enum JSONValue: Decodable, Sendable, Equatable {
    /// A number.
    case number(Double)
    /// true or false.
    case bool(Bool)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])
    /// null.
    case null

    /// Decodes any JSON value.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// A short name of this value's kind for error messages.
    var kindName: String {
        switch self {
        case .number: "a number"
        case .bool: "a boolean"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        case .null: "null"
        }
    }
}

/// One input tensor of an inference request, checked: flat float64 values and the shape.
///
/// ```swift
/// let tensor = try RequestTensor.parse(.object(["name": .string("input"), ...]), index: 0)
/// ```
public struct RequestTensor: Sendable {
    /// The tensor's name.
    public let name: String
    /// Its datatype.
    public let datatype: TensorDatatype
    /// Its shape.
    public let shape: [Int]
    /// Its elements in row-major order, as float64 (booleans as 0 and 1).
    public let values: [Double]

    /// Checks a JSON tensor `{"name", "shape", "datatype", "data"}`: the datatype is known, the shape is
    /// whole non-negative numbers, `data` (flat or nested) holds exactly shape's product of elements of
    /// the datatype's kind. NaN and infinity are allowed here for FP32/FP64; the model checks them.
    ///
    /// ```swift
    /// let tensor = try RequestTensor.parse(json, index: 0)
    /// ```
    public static func parse(_ json: JSONValue, index: Int) throws -> RequestTensor {
        let place = "inputs[\(index)]"
        guard case .object(let fields) = json else {
            throw ServeError.badRequest("\(place) must be an object with name, shape, datatype and data; got \(json.kindName)")
        }
        guard case .string(let name)? = fields["name"] else {
            throw ServeError.badRequest("\(place) needs a string 'name'")
        }
        guard case .string(let datatypeName)? = fields["datatype"] else {
            throw ServeError.badRequest("\(place) ('\(name)') needs a string 'datatype' (one of FP32, FP64, INT32, INT64, BOOL)")
        }
        guard let datatype = TensorDatatype(rawValue: datatypeName) else {
            throw ServeError.badRequest("\(place) ('\(name)') has datatype '\(datatypeName)'; this server takes FP32, FP64, INT32, INT64 or BOOL")
        }
        guard case .array(let shapeValues)? = fields["shape"] else {
            throw ServeError.badRequest("\(place) ('\(name)') needs 'shape', an array of whole numbers such as [1, 4]")
        }
        let shape = try shapeValues.map { value -> Int in
            guard case .number(let number) = value, number >= 0, number <= 1e9, number.rounded() == number else {
                throw ServeError.badRequest("\(place) ('\(name)') shape \(describe(shapeValues)) must hold whole non-negative numbers")
            }
            return Int(number)
        }
        guard let data = fields["data"] else {
            throw ServeError.badRequest("\(place) ('\(name)') needs 'data', the elements flat or nested")
        }
        var values: [Double] = []
        values.reserveCapacity(shape.reduce(1, *))
        try flatten(data, into: &values, datatype: datatype, place: "\(place) ('\(name)')", depth: 0)
        let expected = shape.reduce(1, *)
        guard values.count == expected else {
            throw ServeError.badRequest("\(place) ('\(name)') has \(values.count) elements in 'data' but shape \(shape) needs \(expected)")
        }
        return RequestTensor(name: name, datatype: datatype, shape: shape, values: values)
    }

    private static func flatten(_ value: JSONValue, into values: inout [Double], datatype: TensorDatatype, place: String, depth: Int) throws {
        switch value {
        case .array(let elements):
            guard depth < 32 else { throw ServeError.badRequest("\(place) 'data' is nested more than 32 levels deep") }
            for element in elements { try flatten(element, into: &values, datatype: datatype, place: place, depth: depth + 1) }
        case .number(let number):
            switch datatype {
            case .bool:
                throw ServeError.badRequest("\(place) is BOOL but 'data' element \(values.count) is the number \(number); send true or false")
            case .int32, .int64:
                let limit = datatype == .int32 ? Double(Int32.max) : 9.2e18
                guard number.rounded() == number, abs(number) <= limit else {
                    throw ServeError.badRequest("\(place) is \(datatype.rawValue) but 'data' element \(values.count) is \(number), "
                                                + "not a whole number in range")
                }
            case .fp32, .fp64:
                break
            }
            values.append(number)
        case .bool(let flag):
            guard datatype == .bool else {
                throw ServeError.badRequest("\(place) is \(datatype.rawValue) but 'data' element \(values.count) is \(flag); send numbers")
            }
            values.append(flag ? 1 : 0)
        default:
            throw ServeError.badRequest("\(place) 'data' element \(values.count) is \(value.kindName); "
                                        + "\(datatype.rawValue) data must be \(datatype == .bool ? "true or false" : "numbers")")
        }
    }

    private static func describe(_ values: [JSONValue]) -> String {
        "[" + values.map { value -> String in
            switch value {
            case .number(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            default: value.kindName
            }
        }.joined(separator: ", ") + "]"
    }
}

/// A parsed `POST …/infer` body: the request id, the input tensor, and the outputs asked for.
///
/// ```swift
/// let request = try InferenceRequest.parse(body)
/// ```
public struct InferenceRequest: Sendable {
    /// The request's `id`, echoed in the response.
    public let id: String?
    /// The input tensors.
    public let inputs: [RequestTensor]
    /// The output names asked for (nil: all).
    public let outputNames: [String]?

    /// Parses a JSON body (bare `NaN` and `Infinity` are read, so a client sending them gets the finite-number error).
    ///
    /// ```swift
    /// let request = try InferenceRequest.parse(Data(#"{"inputs": [...]}"#.utf8))
    /// ```
    public static func parse(_ body: Data) throws -> InferenceRequest {
        let json: JSONValue
        do {
            json = try JSONParser.parse(Array(body))
        } catch {
            throw ServeError.badRequest("the body is not valid JSON (\(error)); send an object such as "
                                        + #"{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [...]}]}"#)
        }
        guard case .object(let fields) = json else {
            throw ServeError.badRequest("the body must be a JSON object with 'inputs'; got \(json.kindName)")
        }
        var id: String? = nil
        switch fields["id"] {
        case nil, .null?: id = nil
        case .string(let text)?: id = text
        case let other?: throw ServeError.badRequest("'id' must be a string; got \(other.kindName)")
        }
        guard case .array(let inputValues)? = fields["inputs"] else {
            throw ServeError.badRequest("the body needs 'inputs', an array of tensors {name, shape, datatype, data}")
        }
        let inputs = try inputValues.enumerated().map { try RequestTensor.parse($1, index: $0) }
        var outputNames: [String]? = nil
        if let outputs = fields["outputs"], outputs != .null {
            guard case .array(let requested) = outputs else {
                throw ServeError.badRequest("'outputs' must be an array of {\"name\": …} objects")
            }
            outputNames = try requested.map { value in
                guard case .object(let output) = value, case .string(let name)? = output["name"] else {
                    throw ServeError.badRequest("each entry of 'outputs' must be an object with a string 'name'")
                }
                return name
            }
        }
        return InferenceRequest(id: id, inputs: inputs, outputNames: outputNames)
    }
}

/// JSON text for responses, built by hand so numbers come out exactly and quickly.
enum JSONText {

    /// A number, null when not finite.
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// `{"error": message}`.
    static func error(_ message: String) -> String { "{\"error\":" + JSONString.quoted(message) + "}" }

    /// Tensor metadata objects.
    static func metadata(_ tensors: [TensorMetadata]) -> String {
        "[" + tensors.map { "{\"name\":\(JSONString.quoted($0.name)),\"datatype\":\"\($0.datatype.rawValue)\",\"shape\":[\($0.shape.map(String.init).joined(separator: ","))]}" }
            .joined(separator: ",") + "]"
    }
}
