import Testing
import FlintData
