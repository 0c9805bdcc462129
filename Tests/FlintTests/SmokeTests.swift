import Testing
import Flint
