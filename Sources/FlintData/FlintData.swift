/// FlintData: datasets, data loaders, transforms, file readers and the bundled datasets.
///
/// ```swift
/// import FlintData
/// ```
public enum FlintData {}
