/// An error caused by what a user wrote or typed (a file, a flag, a spec value), whose
/// `description` is a complete one-line message naming the file or flag, the field and the
/// expected form. Every library error a user can reach conforms; the command-line tool
/// reports any of them the same way (the message, exit status 1) without listing types.
public protocol UserFacingError: Error, CustomStringConvertible {}

extension SpecError: UserFacingError {}
extension NumpyFormatError: UserFacingError {}
