/// The first record of Go's `encoding/csv` reader with its defaults (comma `,`, no space trimming,
/// strict quotes), which is how upstream reads the `skip-containers` annotation.
enum GoCSV {
    struct ParseError: Error, Equatable {
        let reason: String
    }

    static func firstRecord(_ text: String) throws(ParseError) -> [String] {
        var characters = Array(text.replacing("\r\n", with: "\n").unicodeScalars)[...]
        // Go skips empty lines before the first record; no record at all is io.EOF.
        while characters.first == "\n" { characters = characters.dropFirst() }
        guard !characters.isEmpty else { throw ParseError(reason: "empty value") }
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var index = characters.startIndex
        while true {
            field.removeAll()
            if index < characters.endIndex, characters[index] == "\"" {
                index += 1
                while true {
                    guard index < characters.endIndex else { throw ParseError(reason: "extraneous or missing \" in quoted field") }
                    let scalar = characters[index]
                    index += 1
                    if scalar != "\"" { field.append(scalar); continue }
                    if index < characters.endIndex, characters[index] == "\"" {
                        field.append("\"")
                        index += 1
                        continue
                    }
                    guard index == characters.endIndex || characters[index] == "," || characters[index] == "\n" else {
                        throw ParseError(reason: "extraneous or missing \" in quoted field")
                    }
                    break
                }
            } else {
                while index < characters.endIndex, characters[index] != ",", characters[index] != "\n" {
                    if characters[index] == "\"" { throw ParseError(reason: "bare \" in non-quoted field") }
                    field.append(characters[index])
                    index += 1
                }
            }
            fields.append(String(field))
            guard index < characters.endIndex, characters[index] == "," else { return fields }
            index += 1
        }
    }
}
