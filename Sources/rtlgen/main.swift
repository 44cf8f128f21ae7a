import Foundation
import RTLGenCommands

exit(RTLGen.run(Array(CommandLine.arguments.dropFirst())))
