import Foundation
import RTLGenCommands

exit(RTLGen.runAsExecutable(Array(CommandLine.arguments.dropFirst())))
