package assistant

// Channel is where a turn came from; replies go back the same way.
type Channel string

// Channels.
const (
	ChannelWeb   Channel = "web"
	ChannelViber Channel = "viber"
	ChannelCLI   Channel = "cli"
)

// Turn is one message of a citizen, as a channel delivers it.
type Turn struct {
	Municipality string
	Channel      Channel
	UserID       string // the channel's id of the citizen (web: a random browser id; Viber: user id)
	Text         string
	Payload      string // a button's payload, e.g. "form:communal_report"; empty for typed text
	Attachments  []Attachment
	Location     *Location
}

// Attachment is a photo, video or file the citizen sent. Data holds its
// bytes: a form sniffs, checks and stores them itself.
type Attachment struct {
	ID   int64 // the channel's id for it, if it keeps one
	MIME string
	Name string
	Size int64
	Data []byte
}

// Location is a point the citizen shared, or an address they typed.
type Location struct {
	Lat, Lon float64
	Address  string
}
