import Testing
import FlintTrain
